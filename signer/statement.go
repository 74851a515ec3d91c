package signer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"sihub/model"
	"sihub/signer/render"
)

// statementHistoryMonths caps the statement's month-by-month history (40
// years); the yearly account table always starts at the first payment.
const statementHistoryMonths = 480

// firstRecordMonth is the earliest month a statement reads.
const firstRecordMonth = "1950-01"

// statementWords are the statement's data words in one language.
type statementWords struct {
	none  string // status of a month without a record
	notes []string
}

var statementLangWords = map[string]statementWords{
	"zh": {none: "无记录", notes: []string{
		"本记录单反映截至记录年度末的基本养老保险个人账户及各险种缴费记录，金额单位为元。",
		"当年记账利息 = 上年末累计储存额 × 本年记账利率 + 当年记账金额 × 本年记账利率 × 1.083 × 1/2；记账利率按国家公布的当年个人账户记账利率执行。",
		"如对记录有异议，请携带有效身份证件到参保地社会保险经办机构查询核对。",
		"本记录单加盖电子印章，与纸质记录单具有同等效力；可扫描二维码或登录经办机构网站输入校验码核验真伪。",
	}},
	"en": {none: "No record", notes: []string{
		"This statement shows the basic pension personal account and the contributions of each insurance up to the end of the year; amounts are in yuan (CNY).",
		"Interest of the year = balance at the end of the previous year × rate + amount credited in the year × rate × 1.083 × 1/2, at the national personal account rate of the year.",
		"If a record looks wrong, bring a valid identity document to the social insurance agency where you are insured.",
		"This statement bears an electronic seal and has the same effect as a paper statement; scan the QR code or enter the verification code on the agency's website to check that it is authentic.",
	}},
}

// unitNames looks up and remembers units' names; an unknown code stands
// for itself.
type unitNames struct {
	records Records
	names   map[string]string
}

func (u *unitNames) name(ctx context.Context, code string) (string, error) {
	if code == "" {
		return "", nil
	}
	if n, ok := u.names[code]; ok {
		return n, nil
	}
	un, err := u.records.Unit(ctx, code)
	if errors.Is(err, model.ErrNotFound) {
		u.names[code] = code
		return code, nil
	}
	if err != nil {
		return "", fmt.Errorf("signer: unit: %w", err)
	}
	u.names[code] = un.Name
	return un.Name, nil
}

// statementYear resolves the requested year: 0 is the year before now's.
func statementYear(year int, now time.Time) (int, error) {
	if year == 0 {
		return now.Year() - 1, nil
	}
	if year < 1950 || year > now.Year() {
		return 0, fmt.Errorf("%w: statement year %d (want 1950 to %d)", ErrBadRequest, year, now.Year())
	}
	return year, nil
}

// statementData reads everything a person's yearly rights statement shows.
// A year before the person's first paid pension month is ErrBadRequest.
func (s *Service) statementData(ctx context.Context, personID, lang string, year int, now time.Time) (*render.RightsStatement, error) {
	w, ok := statementLangWords[lang]
	cw := certificateWords[lang]
	if !ok {
		return nil, fmt.Errorf("%w: language %q (want zh or en)", ErrBadRequest, lang)
	}
	year, err := statementYear(year, now)
	if err != nil {
		return nil, err
	}
	p, err := s.records.Person(ctx, personID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, fmt.Errorf("%w: no insured person %s", ErrBadRequest, model.MaskID(personID))
	}
	if err != nil {
		return nil, fmt.Errorf("signer: person: %w", err)
	}
	units := &unitNames{records: s.records, names: map[string]string{}}
	d := &render.RightsStatement{Name: p.Name, Sex: cw.sex(p.Sex), PersonID: p.ID, Year: year, Lang: lang}
	if d.UnitName, err = units.name(ctx, p.UnitCode); err != nil {
		return nil, err
	}
	// The account and the history need the pension months since the
	// first; the table per insurance type only the statement's year.
	cs, err := s.records.ContributionsOfType(ctx, p.ID, model.InsPensionEnterprise, firstRecordMonth, fmt.Sprintf("%04d-12", year))
	if err != nil {
		return nil, fmt.Errorf("signer: contributions: %w", err)
	}
	yearRows, err := s.records.ContributionsBetween(ctx, p.ID, fmt.Sprintf("%04d-01", year), fmt.Sprintf("%04d-12", year))
	if err != nil {
		return nil, fmt.Errorf("signer: contributions: %w", err)
	}
	d.Years = accountYears(cs, year, s.cfg.InterestRates)
	if len(d.Years) == 0 {
		return nil, fmt.Errorf("%w: %w: no paid pension contribution of %s up to %d", ErrBadRequest, ErrNothingToState, model.MaskID(p.ID), year)
	}

	// The pension months: the year's twelve and the whole history.
	pension := map[string]model.Contribution{}
	var months []string
	for _, c := range cs {
		if c.Type != model.InsPensionEnterprise {
			continue
		}
		if _, dup := pension[c.Month]; !dup {
			months = append(months, c.Month)
		}
		pension[c.Month] = c
		if c.Paid {
			d.PaidMonths++
			if d.FirstMonth == "" || c.Month < d.FirstMonth {
				d.FirstMonth = c.Month
			}
		}
	}
	sort.Strings(months)
	row := func(c model.Contribution) (render.StatementMonth, error) {
		r := render.StatementMonth{Month: c.Month, Base: c.Base, Employer: c.Employer, Personal: c.Personal, Status: cw.paid}
		if c.Paid {
			r.ToAccount, _ = toAccount(c)
		} else {
			r.Status = cw.arrears
		}
		var err error
		r.UnitName, err = units.name(ctx, c.UnitCode)
		return r, err
	}
	for m := 1; m <= 12; m++ {
		key := fmt.Sprintf("%04d-%02d", year, m)
		c, ok := pension[key]
		if !ok {
			d.Months = append(d.Months, render.StatementMonth{Month: key, Status: w.none})
			continue
		}
		r, err := row(c)
		if err != nil {
			return nil, err
		}
		d.Months = append(d.Months, r)
	}
	if len(months) > statementHistoryMonths {
		months = months[len(months)-statementHistoryMonths:]
	}
	for _, m := range months {
		r, err := row(pension[m])
		if err != nil {
			return nil, err
		}
		d.History = append(d.History, r)
	}

	// The year per insurance type, with the enrolment's status.
	ins, err := s.records.Insurances(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("signer: insurances: %w", err)
	}
	status := map[string]int{}
	for _, in := range ins {
		status[in.Type] = in.Status
	}
	sums := map[string]*render.StatementInsurance{}
	var types []string
	prefix := fmt.Sprintf("%04d-", year)
	for _, c := range yearRows {
		if len(c.Month) < 5 || c.Month[:5] != prefix || !c.Paid {
			continue
		}
		t := sums[c.Type]
		if t == nil {
			t = &render.StatementInsurance{TypeName: nameOr(cw.types[c.Type], c.Type), Status: "—"}
			if st, ok := status[c.Type]; ok {
				t.Status = nameOr(cw.statuses[st], fmt.Sprint(st))
			}
			sums[c.Type] = t
			types = append(types, c.Type)
		}
		t.Months++
		t.Employer += c.Employer
		t.Personal += c.Personal
	}
	sort.Strings(types)
	for _, t := range types {
		d.Insurances = append(d.Insurances, *sums[t])
	}
	d.Notes = w.notes
	return d, nil
}
