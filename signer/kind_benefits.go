package signer

import (
	"context"
	"fmt"
	"time"

	"sihub/model"
	"sihub/signer/render"
)

var benefitNotes = []string{
	"本明细列出所列期间按月发放的社会保险待遇，金额单位为元；未注明发放日期的为已核定尚未发放。",
	"待遇标准如有调整，以经办机构核定的最新标准为准；如有疑问，请向参保地社会保险经办机构咨询。",
	"本明细加盖电子印章，与纸质明细具有同等效力；可扫描二维码或输入校验码核验真伪。",
}

// bindBenefitDetails binds the benefit details (待遇享受明细): the months
// of one year (req.Year) or of the last twelve months, each payment item
// with its amount and date, and the totals.
func (s *Service) bindBenefitDetails(ctx context.Context, req IssueRequest, t issueTimes) (*draft, error) {
	ben, err := capability[BenefitRecords](s, req.Kind, "benefit payments")
	if err != nil {
		return nil, err
	}
	p, err := s.personSubject(ctx, req.Subject)
	if err != nil {
		return nil, err
	}
	last := time.Date(t.now.Year(), t.now.Month(), 1, 0, 0, 0, 0, t.now.Location())
	first := last.AddDate(0, -11, 0)
	if req.Year != 0 {
		if req.Year < 1950 || req.Year > t.now.Year() {
			return nil, fmt.Errorf("%w: benefit year %d (want 1950 to %d)", ErrBadRequest, req.Year, t.now.Year())
		}
		first = time.Date(req.Year, 1, 1, 0, 0, 0, 0, t.now.Location())
		last = first.AddDate(0, 11, 0)
	}
	ps, err := ben.BenefitPayments(ctx, p.ID, first.Format("2006-01"), last.Format("2006-01"))
	if err != nil {
		return nil, fmt.Errorf("signer: benefit payments: %w", err)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("%w: %s received no benefit from %s to %s", ErrBadRequest, model.MaskID(p.ID),
			first.Format("2006-01"), last.Format("2006-01"))
	}
	tb := &render.Table{Heading: fmt.Sprintf("二、待遇发放明细（%s至%s，金额单位：元）", monthIn(LangZH, first.Format("2006-01")), monthIn(LangZH, last.Format("2006-01"))),
		Columns: []render.Column{
			{Title: "待遇年月", Width: 60, Align: render.Center}, {Title: "险种", Width: 130},
			{Title: "待遇项目", Width: 110}, {Title: "金额", Width: 80, Align: render.Right},
			{Title: "发放日期", Width: 80, Align: render.Center},
		}}
	var total, paid int64
	months := map[string]int64{}
	var lastMonth string
	for _, b := range ps {
		tb.Rows = append(tb.Rows, []string{b.Month, typeName(LangZH, b.Type), b.Item, yuanText(b.Amount), nameOr(b.PaidOn, "—")})
		total += b.Amount
		if b.PaidOn != "" {
			paid += b.Amount
		}
		months[b.Month] += b.Amount
		lastMonth = max(lastMonth, b.Month)
	}
	doc := &render.Document{Title: "社会保险待遇享受明细", Blocks: []render.Block{
		&render.Fields{Heading: "一、待遇领取人", Pairs: [][2]string{
			{"姓名", p.Name}, {"性别", p.Sex}, {"社会保障号码", p.ID}, {"出生日期", birthIn(LangZH, p.BirthDate)},
		}},
		tb,
		&render.Fields{Heading: "三、合计", Pairs: [][2]string{
			{"享受月数", fmt.Sprint(len(months))}, {"待遇合计", yuanText(total)},
			{"其中已发放", yuanText(paid)}, {"最近月待遇（" + lastMonth + "）", yuanText(months[lastMonth])},
		}},
	}}
	doc.Notes = benefitNotes
	return &draft{doc: doc, subject: p.ID, holder: p.Name}, nil
}
