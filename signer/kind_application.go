package signer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"sihub/ident"
	"sihub/model"
	"sihub/signer/render"
)

// processingNames are the processing types' Chinese names.
var processingNames = map[string]string{
	model.ProcessInstant:     "即时办理",
	model.ProcessCommitted:   "承诺办理",
	model.ProcessAppointment: "预约办理",
}

var (
	receiptNotes = []string{
		"本通知单是社会保险经办机构受理申请的凭证，请妥善保管；办理进度可凭受理编号在网上服务大厅查询。",
		"承诺办结日期按法定工作日计算；需补正材料的，自材料补齐之日起重新计算。",
		"办理结果将以结果告知单送达；本通知单加盖电子印章，可扫描二维码或输入校验码核验真伪。",
	}
	resultNotes = []string{
		"本告知单是社会保险经办机构对申请作出处理结果的书面告知，请妥善保管。",
		"对处理结果有异议的，可以自收到本告知单之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。",
		"本告知单加盖电子印章，与纸质告知单具有同等效力；可扫描二维码或输入校验码核验真伪。",
	}
)

// application reads the application a receipt or result notice is about
// and checks it belongs to the subject, when one is named.
func (s *Service) application(ctx context.Context, req IssueRequest) (model.Application, error) {
	apps, err := capability[ApplicationRecords](s, req.Kind, "applications")
	if err != nil {
		return model.Application{}, err
	}
	id := strings.TrimSpace(req.Application)
	if id == "" || len(id) > 64 {
		return model.Application{}, fmt.Errorf("%w: %s needs an application ID", ErrBadRequest, req.Kind)
	}
	a, err := apps.Application(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return a, fmt.Errorf("%w: no application %s", ErrBadRequest, id)
	}
	if err != nil {
		return a, fmt.Errorf("signer: application: %w", err)
	}
	if req.Subject != "" && req.Subject != a.Applicant {
		return a, fmt.Errorf("%w: application %s is not %s's", ErrBadRequest, id, model.MaskID(req.Subject))
	}
	if a.Applicant == "" || a.ApplicantName == "" || a.Item == "" || a.ReceivedAt.IsZero() {
		return a, fmt.Errorf("%w: application %s lacks its applicant, item or time of receipt", ErrBadRequest, id)
	}
	return a, nil
}

// applicationFields are the lines both notices start with.
func (s *Service) applicationFields(a model.Application) *render.Fields {
	clause := "—"
	if a.Clause != "" {
		clause = "LD/T 01-2020 " + a.Clause
	}
	idLabel := "统一社会信用代码"
	if _, err := ident.PersonID(a.Applicant); err == nil {
		idLabel = "证件号码"
	}
	loc := s.cfg.Location
	return &render.Fields{Heading: "一、申请信息", Pairs: [][2]string{
		{"受理编号", a.ID}, {"业务事项", a.Item},
		{"申请人", a.ApplicantName}, {idLabel, a.Applicant},
		{"事项依据", clause}, {"办理类型", nameOr(processingNames[a.ProcessingType], nameOr(a.ProcessingType, "—"))},
		{"申请渠道", nameOr(a.Channel, "—")}, {"受理时间", minuteIn(a.ReceivedAt.In(loc))},
	}}
}

// bindReceipt binds the acceptance notice (受理通知单): the application,
// the materials received and the promised completion date.
func (s *Service) bindReceipt(ctx context.Context, req IssueRequest, t issueTimes) (*draft, error) {
	a, err := s.application(ctx, req)
	if err != nil {
		return nil, err
	}
	promised := "即时办结"
	if !a.PromisedBy.IsZero() {
		promised = dateIn(LangZH, a.PromisedBy.In(s.cfg.Location))
	}
	f := s.applicationFields(a)
	f.Pairs = append(f.Pairs, [2]string{"承诺办结日期", promised})
	mt := &render.Table{Heading: "二、已收取材料", Columns: []render.Column{
		{Title: "序号", Width: 40, Align: render.Center}, {Title: "材料名称", Width: 340}, {Title: "状态", Width: 80, Align: render.Center},
	}}
	for i, m := range a.Materials {
		mt.Rows = append(mt.Rows, []string{fmt.Sprint(i + 1), m, "已收取"})
	}
	text := fmt.Sprintf("%s：您（单位）于%s提交的“%s”申请，经审查，申请材料齐全、符合法定形式，本机构予以受理。",
		a.ApplicantName, dateIn(LangZH, a.ReceivedAt.In(s.cfg.Location)), a.Item)
	if !a.PromisedBy.IsZero() {
		text += "本机构将于" + promised + "前办结，并将办理结果告知您（单位）。"
	}
	doc := &render.Document{Title: "社会保险业务受理通知单", Blocks: []render.Block{&render.Paragraph{Text: text}, f}}
	if len(mt.Rows) > 0 {
		doc.Blocks = append(doc.Blocks, mt)
	}
	doc.Notes = receiptNotes
	return &draft{doc: doc, subject: a.Applicant, holder: a.ApplicantName}, nil
}

// bindResultNotice binds the result notice (结果告知单) of a finished or
// refused application, with the result or the reason.
func (s *Service) bindResultNotice(ctx context.Context, req IssueRequest, t issueTimes) (*draft, error) {
	a, err := s.application(ctx, req)
	if err != nil {
		return nil, err
	}
	if (a.Status != model.AppFinished && a.Status != model.AppRefused) || a.DecidedAt == nil {
		return nil, fmt.Errorf("%w: application %s is %s, not yet finished or refused", ErrBadRequest, a.ID, nameOr(a.Status, "without a status"))
	}
	decided := a.DecidedAt.In(s.cfg.Location)
	f := s.applicationFields(a)
	res := &render.Fields{Heading: "二、办理结果", Pairs: [][2]string{{"办结时间", minuteIn(decided)}, {"经办人", nameOr(a.Handler, "—")}}}
	var text string
	switch a.Status {
	case model.AppFinished:
		res.Pairs = append([][2]string{{"办理结果", "已办结"}}, res.Pairs...)
		text = fmt.Sprintf("%s：您（单位）于%s提交的“%s”申请，已于%s办结。", a.ApplicantName,
			dateIn(LangZH, a.ReceivedAt.In(s.cfg.Location)), a.Item, dateIn(LangZH, decided))
		if a.Result != "" {
			res.Pairs = append(res.Pairs, [2]string{"办理情况", a.Result})
		}
	default:
		if strings.TrimSpace(a.Reason) == "" {
			return nil, fmt.Errorf("%w: refused application %s has no reason", ErrBadRequest, a.ID)
		}
		res.Pairs = append([][2]string{{"办理结果", "不予办理"}}, res.Pairs...)
		res.Pairs = append(res.Pairs, [2]string{"不予办理理由", a.Reason})
		text = fmt.Sprintf("%s：您（单位）于%s提交的“%s”申请，经审查，决定不予办理，理由如下：%s", a.ApplicantName,
			dateIn(LangZH, a.ReceivedAt.In(s.cfg.Location)), a.Item, a.Reason)
	}
	doc := &render.Document{Title: "社会保险业务结果告知单", Blocks: []render.Block{&render.Paragraph{Text: text}, f, res}}
	doc.Notes = resultNotes
	return &draft{doc: doc, subject: a.Applicant, holder: a.ApplicantName}, nil
}

// minuteIn formats a time to the minute, the Chinese way.
func minuteIn(t time.Time) string {
	return fmt.Sprintf("%04d年%02d月%02d日 %02d:%02d", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute())
}
