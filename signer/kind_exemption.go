package signer

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sihub/model"
	"sihub/signer/render"
)

// Words of the overseas exemption certificate (境外社会保险免缴证明).
var (
	exTitle     = phrase{"境外社会保险免缴证明", "Certificate of Coverage"}
	exPerson    = phrase{"一、派遣人员", "1. Posted worker"}
	exName      = phrase{"姓名", "Name"}
	exSex       = phrase{"性别", "Sex"}
	exBirth     = phrase{"出生日期", "Date of birth"}
	exID        = phrase{"社会保障号码", "Social security No."}
	exEmployer  = phrase{"二、派遣单位与派遣期间", "2. Employer and posting"}
	exUnit      = phrase{"派遣单位", "Employer in China"}
	exCredit    = phrase{"统一社会信用代码", "Unified social credit code"}
	exCountry   = phrase{"派往国家", "Country of posting"}
	exFrom      = phrase{"派遣起始日期", "Posted from"}
	exTo        = phrase{"派遣结束日期", "Posted until"}
	exAgreement = phrase{"适用协定", "Agreement"}
	exCovered   = phrase{"三、继续在中国参加的社会保险", "3. Chinese insurances the worker stays covered by"}
	exType      = phrase{"险种", "Insurance"}
	exStatus    = phrase{"参保状态", "Status"}
	exSince     = phrase{"参保起始年月", "Insured since"}
	exExempt    = phrase{"在派往国", "In the country of posting"}
	exExempted  = phrase{"免缴", "Exempted"}
	exNotes     = []phrase{
		{"持证人在派遣期间继续参加中国上述社会保险并按规定缴费，依据协定免除在派往国缴纳相应的社会保险费。",
			"During the posting the holder stays insured in and pays to the Chinese insurances above, and under the agreement is exempted from the corresponding contributions in the country of posting."},
		{"派遣期间提前结束或派遣单位变更的，派遣单位应及时告知社会保险经办机构。",
			"If the posting ends early or the employer changes, the employer must tell the social insurance agency."},
		{"本证明加盖电子印章，派往国主管机构可扫描二维码或输入校验码核验真伪。",
			"This certificate bears an electronic seal; the authorities of the country of posting can check it by its QR code or verification code."},
	}
)

// bindExemption binds the certificate of coverage for a worker posted to
// an agreement country: it names that country's covered insurance types,
// and each of them must be in the contributing state.
func (s *Service) bindExemption(ctx context.Context, req IssueRequest, t issueTimes) (*draft, error) {
	lang := req.Lang
	if req.Country == "" {
		return nil, fmt.Errorf("%w: an exemption certificate names the country of posting (one of %s)", ErrBadRequest, strings.Join(CountryCodes(), ", "))
	}
	c, ok := Country(req.Country)
	if !ok {
		return nil, fmt.Errorf("%w: %q is not an agreement country (want one of %s)", ErrBadRequest, req.Country, strings.Join(CountryCodes(), ", "))
	}
	from, to, err := postingPeriod(req, c, t.now)
	if err != nil {
		return nil, err
	}
	p, err := s.personSubject(ctx, req.Subject)
	if err != nil {
		return nil, err
	}
	if p.UnitCode == "" {
		return nil, fmt.Errorf("%w: %s has no employer to be posted by", ErrBadRequest, model.MaskID(p.ID))
	}
	unit, err := s.unitName(ctx, p.UnitCode)
	if err != nil {
		return nil, err
	}
	ins, err := s.records.Insurances(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("signer: insurances: %w", err)
	}
	enrolled := map[string]model.Insurance{}
	for _, in := range ins {
		enrolled[in.Type] = in
	}
	cw := certificateWords[lang]
	tb := &render.Table{Heading: exCovered.in(lang), Columns: []render.Column{
		{Title: exType.head(lang), Width: 150}, {Title: exStatus.head(lang), Width: 80, Align: render.Center},
		{Title: exSince.head(lang), Width: 80, Align: render.Center}, {Title: exExempt.head(lang), Width: 90, Align: render.Center},
	}}
	for _, typ := range c.Covered {
		in, ok := enrolled[typ]
		if !ok || in.Status != model.InsStatusActive {
			return nil, fmt.Errorf("%w: %s is not contributing to %s, which the agreement with %s covers", ErrBadRequest,
				model.MaskID(p.ID), InsuranceTypeNames[typ], c.NameZH)
		}
		tb.Rows = append(tb.Rows, []string{typeName(lang, typ), nameOr(cw.statuses[in.Status], "—"), in.Since, exExempted.in(lang)})
	}

	doc := &render.Document{}
	doc.Title, doc.Subtitle = titles(lang, exTitle)
	country := phrase{c.NameZH, c.NameEN}.in(lang)
	agreement := phrase{"《" + c.AgreementZH + "》", c.AgreementEN}.note(lang)
	doc.Blocks = []render.Block{
		&render.Fields{Heading: exPerson.in(lang), Pairs: [][2]string{
			{exName.head(lang), p.Name}, {exSex.head(lang), sexIn(lang, p.Sex)},
			{exBirth.head(lang), birthIn(lang, p.BirthDate)}, {exID.head(lang), p.ID},
		}},
		&render.Fields{Heading: exEmployer.in(lang), Pairs: [][2]string{
			{exUnit.head(lang), unit}, {exCredit.head(lang), p.UnitCode},
			{exFrom.head(lang), dateIn(lang, from)}, {exTo.head(lang), dateIn(lang, to)},
			{exCountry.head(lang), country}, {exAgreement.head(lang), agreement},
		}},
		tb,
	}
	doc.Notes = notesIn(lang, exNotes)
	return &draft{doc: doc, subject: p.ID, holder: p.Name, validUntil: endOfDay(to)}, nil
}

// postingPeriod reads the posting period: it must start no earlier than a
// year before the day of issue, end after it starts, and last at most the
// country's longest posting.
func postingPeriod(req IssueRequest, c AgreementCountry, now time.Time) (from, to time.Time, err error) {
	day := func(s string) (time.Time, error) {
		d, err := time.ParseInLocation("2006-01-02", s, now.Location())
		if err != nil {
			return d, fmt.Errorf("%w: posting date %q (want YYYY-MM-DD)", ErrBadRequest, s)
		}
		return d, nil
	}
	from = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	if req.PostedFrom != "" {
		if from, err = day(req.PostedFrom); err != nil {
			return
		}
	}
	longest := from.AddDate(0, c.MaxPostingMonths, -1)
	to = longest
	if req.PostedTo != "" {
		if to, err = day(req.PostedTo); err != nil {
			return
		}
	}
	switch {
	case from.Before(now.AddDate(-1, 0, -1)):
		err = fmt.Errorf("%w: a posting that began on %s, more than a year ago", ErrBadRequest, from.Format("2006-01-02"))
	case !to.After(from):
		err = fmt.Errorf("%w: the posting ends (%s) before it begins (%s)", ErrBadRequest, to.Format("2006-01-02"), from.Format("2006-01-02"))
	case to.After(longest):
		err = fmt.Errorf("%w: a posting to %s lasts at most %d months (to %s)", ErrBadRequest, c.NameZH, c.MaxPostingMonths, longest.Format("2006-01-02"))
	}
	return
}
