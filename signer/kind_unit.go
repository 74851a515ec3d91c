package signer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"sihub/ident"
	"sihub/model"
	"sihub/signer/render"
)

// unitArrearsMonths is how many months before the month of issue the unit
// certificate checks for arrears.
const unitArrearsMonths = 24

var unitNotes = []string{
	"本证明反映打印时点该单位的参保人数和缴费状态；参保人数按险种统计参保缴费、暂停缴费的职工人数。",
	"欠费情况统计打印月份前" + fmt.Sprint(unitArrearsMonths) + "个月内应缴未缴的记录，金额单位为元（单位与个人部分合计）。",
	"本证明加盖电子印章，与纸质证明具有同等效力；可扫描二维码或登录经办机构网站输入校验码核验真伪。",
}

// typeCount is one insurance type's line of the unit certificate.
type typeCount struct {
	active, suspended int
	arrearsRows       int
	arrearsMonths     map[string]bool
	arrears           int64
}

// bindUnitCertificate binds the unit insurance certificate (参保证明（单位）):
// the unit, its insured staff per insurance type and status, and whether
// it is in arrears.
func (s *Service) bindUnitCertificate(ctx context.Context, req IssueRequest, t issueTimes) (*draft, error) {
	if err := ident.CreditCode(req.Subject); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	staff, err := capability[UnitStaffRecords](s, req.Kind, "a unit's staff")
	if err != nil {
		return nil, err
	}
	u, err := s.records.Unit(ctx, req.Subject)
	if errors.Is(err, model.ErrNotFound) {
		return nil, fmt.Errorf("%w: no insured unit %s", ErrBadRequest, req.Subject)
	}
	if err != nil {
		return nil, fmt.Errorf("signer: unit: %w", err)
	}
	ins, err := staff.InsurancesOfUnit(ctx, u.CreditCode)
	if err != nil {
		return nil, fmt.Errorf("signer: unit staff: %w", err)
	}
	last := time.Date(t.now.Year(), t.now.Month(), 1, 0, 0, 0, 0, t.now.Location()).AddDate(0, -1, 0)
	first := last.AddDate(0, -(unitArrearsMonths - 1), 0)
	unpaid, err := staff.UnpaidContributionsOfUnit(ctx, u.CreditCode, first.Format("2006-01"), last.Format("2006-01"))
	if err != nil {
		return nil, fmt.Errorf("signer: unit arrears: %w", err)
	}
	counts := map[string]*typeCount{}
	get := func(typ string) *typeCount {
		c := counts[typ]
		if c == nil {
			c = &typeCount{arrearsMonths: map[string]bool{}}
			counts[typ] = c
		}
		return c
	}
	people := map[string]bool{}
	for _, in := range ins {
		switch in.Status {
		case model.InsStatusActive:
			get(in.Type).active++
			people[in.PersonID] = true
		case model.InsStatusSuspended:
			get(in.Type).suspended++
		}
	}
	var arrears int64
	arrearsMonths := map[string]bool{}
	for _, c := range unpaid {
		tc := get(c.Type)
		tc.arrearsRows++
		tc.arrearsMonths[c.Month] = true
		tc.arrears += c.Employer + c.Personal
		arrears += c.Employer + c.Personal
		arrearsMonths[c.Month] = true
	}
	types := make([]string, 0, len(counts))
	for typ := range counts {
		types = append(types, typ)
	}
	sort.Strings(types)
	tb := &render.Table{Heading: "二、分险种参保人数及缴费状态", Columns: []render.Column{
		{Title: "险种", Width: 140}, {Title: "参保缴费\n人数", Width: 60, Align: render.Right},
		{Title: "暂停缴费\n人数", Width: 60, Align: render.Right}, {Title: "缴费状态", Width: 70, Align: render.Center},
		{Title: "欠费\n月数", Width: 50, Align: render.Right}, {Title: "欠费金额", Width: 80, Align: render.Right},
	}}
	for _, typ := range types {
		c := counts[typ]
		state := "正常缴费"
		if c.arrearsRows > 0 {
			state = "欠费"
		}
		tb.Rows = append(tb.Rows, []string{typeName(LangZH, typ), fmt.Sprint(c.active), fmt.Sprint(c.suspended), state,
			fmt.Sprint(len(c.arrearsMonths)), yuanText(c.arrears)})
	}
	summary := fmt.Sprintf("截至%s，该单位参保缴费职工共 %d 人；打印月份前%d个月内无欠费。", dateIn(LangZH, t.now), len(people), unitArrearsMonths)
	if arrears > 0 {
		summary = fmt.Sprintf("截至%s，该单位参保缴费职工共 %d 人；打印月份前%d个月内有 %d 个月存在欠费，欠费金额合计 %s 元。",
			dateIn(LangZH, t.now), len(people), unitArrearsMonths, len(arrearsMonths), yuanText(arrears))
	}
	doc := &render.Document{Title: "社会保险单位参保证明", Blocks: []render.Block{
		&render.Fields{Heading: "一、单位信息", Pairs: [][2]string{
			{"单位名称", u.Name}, {"统一社会信用代码", u.CreditCode},
			{"参保地区", nameOr(regionName(u.Region), "—")}, {"单位地址", nameOr(u.Address, "—")},
		}},
	}}
	if len(tb.Rows) > 0 {
		doc.Blocks = append(doc.Blocks, tb)
	}
	doc.Blocks = append(doc.Blocks, &render.Paragraph{Text: summary})
	doc.Notes = unitNotes
	return &draft{doc: doc, subject: u.CreditCode, holder: u.Name}, nil
}
