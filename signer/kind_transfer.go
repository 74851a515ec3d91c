package signer

import (
	"context"
	"fmt"
	"sort"

	"sihub/model"
	"sihub/signer/render"
)

// Words of the transfer voucher (基本养老保险参保缴费凭证).
var (
	tvTitle   = phrase{"基本养老保险参保缴费凭证", "Basic Pension Insurance Contribution Voucher"}
	tvPerson  = phrase{"一、参保人员信息", "1. Insured person"}
	tvName    = phrase{"姓名", "Name"}
	tvSex     = phrase{"性别", "Sex"}
	tvID      = phrase{"公民身份号码", "Citizen ID No."}
	tvBirth   = phrase{"出生日期", "Date of birth"}
	tvAddress = phrase{"地址", "Address"}
	tvUnit    = phrase{"当前参保单位", "Current employer"}
	tvPeriods = phrase{"二、参保缴费期间（按参保地，金额单位：元）", "2. Insured periods by region (yuan)"}
	tvRegion  = phrase{"参保地", "Region"}
	tvFrom    = phrase{"起始年月", "From"}
	tvTo      = phrase{"截止年月", "To"}
	tvMonths  = phrase{"缴费月数", "Months"}
	tvBase    = phrase{"平均缴费基数", "Average base"}
	tvEmp     = phrase{"单位缴费", "Employer"}
	tvPers    = phrase{"个人缴费", "Personal"}
	tvAccount = phrase{"三、个人账户", "3. Personal account"}
	tvTotal   = phrase{"累计缴费月数", "Months paid in total"}
	tvBalance = phrase{"个人账户累计储存额", "Account balance"}
	tvOfPers  = phrase{"其中个人缴费部分", "of which personal"}
	tvAsOf    = phrase{"储存额截至", "Balance as of"}
	tvYearNow = phrase{"本年已记账金额（未计息）", "Credited this year (no interest yet)"}
	tvAgency  = phrase{"四、转出地社会保险经办机构", "4. Issuing agency"}
	tvAgName  = phrase{"机构名称", "Agency"}
	tvAgArea  = phrase{"行政区划", "Area"}
	tvPhone   = phrase{"联系电话", "Phone"}
	tvAgAddr  = phrase{"机构地址", "Address"}
	tvPost    = phrase{"邮政编码", "Postcode"}
	tvNotes   = []phrase{
		{"参保人员跨地区流动就业的，凭本凭证向新就业地社会保险经办机构申请转移接续基本养老保险关系；本凭证由转出地社会保险经办机构出具。",
			"When moving to work in another region, present this voucher to the social insurance agency of the new place of work to transfer the basic pension insurance relation; the agency of the old place issues it."},
		{"参保期间、缴费月数和个人账户储存额以出具时的记录为准，金额单位为元。",
			"Periods, months and the account balance are those recorded when the voucher was issued; amounts are in yuan (CNY)."},
		{"请妥善保管本凭证；本凭证加盖电子印章，可扫描二维码或输入校验码核验真伪。",
			"Keep this voucher safe; it bears an electronic seal and can be checked by its QR code or verification code."},
	}
)

// period is one run of pension months in one region.
type period struct {
	region                   string
	first, last              string
	months                   int
	base, employer, personal int64
}

// bindTransferVoucher binds the transfer voucher: the person, the insured
// periods per region (the region of the unit that paid), the personal
// account and the issuing agency.
func (s *Service) bindTransferVoucher(ctx context.Context, req IssueRequest, t issueTimes) (*draft, error) {
	lang := req.Lang
	p, err := s.personSubject(ctx, req.Subject)
	if err != nil {
		return nil, err
	}
	cs, err := s.records.ContributionsOfType(ctx, p.ID, model.InsPensionEnterprise, firstRecordMonth, t.now.Format("2006-01"))
	if err != nil {
		return nil, fmt.Errorf("signer: contributions: %w", err)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Month < cs[j].Month })
	regions := map[string]string{}
	regionOf := func(unit string) (string, error) {
		if r, ok := regions[unit]; ok {
			return r, nil
		}
		r := ""
		if unit != "" {
			u, err := s.records.Unit(ctx, unit)
			if err != nil && !isNotFound(err) {
				return "", fmt.Errorf("signer: unit: %w", err)
			}
			r = u.Region
		}
		regions[unit] = r
		return r, nil
	}
	var periods []*period
	total := 0
	for _, c := range cs {
		if !c.Paid {
			continue
		}
		r, err := regionOf(c.UnitCode)
		if err != nil {
			return nil, err
		}
		cur := (*period)(nil)
		if n := len(periods); n > 0 && periods[n-1].region == r && nextMonth(periods[n-1].last) == c.Month {
			cur = periods[n-1]
		} else {
			cur = &period{region: r, first: c.Month}
			periods = append(periods, cur)
		}
		cur.last = c.Month
		cur.months++
		cur.base += c.Base
		cur.employer += c.Employer
		cur.personal += c.Personal
		total++
	}
	if total == 0 {
		return nil, fmt.Errorf("%w: %s has no paid basic pension month to transfer", ErrBadRequest, model.MaskID(p.ID))
	}
	unit, err := s.unitName(ctx, p.UnitCode)
	if err != nil {
		return nil, err
	}

	doc := &render.Document{}
	doc.Title, doc.Subtitle = titles(lang, tvTitle)
	doc.Blocks = append(doc.Blocks, &render.Fields{Heading: tvPerson.in(lang), Pairs: [][2]string{
		{tvName.head(lang), p.Name}, {tvSex.head(lang), sexIn(lang, p.Sex)},
		{tvID.head(lang), p.ID}, {tvBirth.head(lang), birthIn(lang, p.BirthDate)},
		{tvAddress.head(lang), nameOr(p.Address, "—")}, {tvUnit.head(lang), nameOr(unit, "—")},
	}})
	tb := &render.Table{Heading: tvPeriods.in(lang), Columns: []render.Column{
		{Title: tvRegion.head(lang), Width: 110}, {Title: tvFrom.head(lang), Width: 55, Align: render.Center},
		{Title: tvTo.head(lang), Width: 55, Align: render.Center}, {Title: tvMonths.head(lang), Width: 45, Align: render.Right},
		{Title: tvBase.head(lang), Width: 65, Align: render.Right}, {Title: tvEmp.head(lang), Width: 70, Align: render.Right},
		{Title: tvPers.head(lang), Width: 70, Align: render.Right},
	}}
	for _, pr := range periods {
		tb.Rows = append(tb.Rows, []string{nameOr(regionName(pr.region), "—"), pr.first, pr.last, fmt.Sprint(pr.months),
			yuanText((pr.base + int64(pr.months)/2) / int64(pr.months)), yuanText(pr.employer), yuanText(pr.personal)})
	}
	if len(tb.Rows) > 0 {
		doc.Blocks = append(doc.Blocks, tb)
	}

	// The account up to the end of last year, and what this year credited.
	lastYear := t.now.Year() - 1
	years := accountYears(cs, lastYear, s.cfg.InterestRates)
	var bal, balPers, thisYear int64
	if n := len(years); n > 0 {
		bal, balPers = years[n-1].Balance, years[n-1].BalancePers
	}
	for _, c := range cs {
		if c.Paid && atoi4(c.Month) == t.now.Year() {
			a, _ := toAccount(c)
			thisYear += a
		}
	}
	doc.Blocks = append(doc.Blocks, &render.Fields{Heading: tvAccount.in(lang), Pairs: [][2]string{
		{tvTotal.head(lang), fmt.Sprint(total)}, {tvAsOf.head(lang), dateIn(lang, endOfYear(lastYear, t.now))},
		{tvBalance.head(lang), yuanText(bal)}, {tvOfPers.head(lang), yuanText(balPers)},
		{tvYearNow.head(lang), yuanText(thisYear)},
	}})
	agency := [][2]string{{tvAgName.head(lang), s.cfg.Agency}, {tvAgArea.head(lang), nameOr(regionName(s.cfg.Region), "—")}}
	for _, f := range []struct {
		p phrase
		v string
	}{{tvPhone, s.cfg.AgencyPhone}, {tvAgAddr, s.cfg.AgencyAddress}, {tvPost, s.cfg.AgencyPostcode}} {
		if f.v != "" {
			agency = append(agency, [2]string{f.p.head(lang), f.v})
		}
	}
	doc.Blocks = append(doc.Blocks, &render.Fields{Heading: tvAgency.in(lang), Pairs: agency})
	doc.Notes = notesIn(lang, tvNotes)
	return &draft{doc: doc, subject: p.ID, holder: p.Name}, nil
}

// nextMonth returns the month after "YYYY-MM".
func nextMonth(m string) string {
	y, mo := atoi4(m), 0
	if len(m) == 7 {
		mo = int(m[5]-'0')*10 + int(m[6]-'0')
	}
	if mo == 12 {
		return fmt.Sprintf("%04d-01", y+1)
	}
	return fmt.Sprintf("%04d-%02d", y, mo+1)
}
