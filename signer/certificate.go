package signer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sihub/model"
	"sihub/signer/render"
)

// InsuranceTypeNames are the Chinese names of the insurance types.
var InsuranceTypeNames = map[string]string{
	model.InsPensionEnterprise: "企业职工基本养老保险",
	model.InsPensionPublic:     "机关事业单位养老保险",
	model.InsPensionResident:   "城乡居民基本养老保险",
	model.InsUnemployment:      "失业保险",
	model.InsMedical:           "职工基本医疗保险",
	model.InsWorkInjury:        "工伤保险",
	model.InsMaternity:         "生育保险",
}

// InsuranceStatusNames are the Chinese names of enrolment statuses.
var InsuranceStatusNames = map[int]string{
	model.InsStatusActive:     "参保缴费",
	model.InsStatusSuspended:  "暂停缴费",
	model.InsStatusTerminated: "终止参保",
}

// Words of the certificate's data in English (names and addresses stay in
// Chinese script).
var (
	insuranceTypeNamesEN = map[string]string{
		model.InsPensionEnterprise: "Basic pension (employees)",
		model.InsPensionPublic:     "Pension (public institutions)",
		model.InsPensionResident:   "Basic pension (residents)",
		model.InsUnemployment:      "Unemployment insurance",
		model.InsMedical:           "Basic medical insurance",
		model.InsWorkInjury:        "Work injury insurance",
		model.InsMaternity:         "Maternity insurance",
	}
	insuranceStatusNamesEN = map[int]string{
		model.InsStatusActive:     "Contributing",
		model.InsStatusSuspended:  "Suspended",
		model.InsStatusTerminated: "Terminated",
	}
	sexEN = map[string]string{"男": "Male", "女": "Female"}
)

// words are the data words of a certificate in one language.
type words struct {
	types    map[string]string
	statuses map[int]string
	paid     string
	arrears  string
	notes    []string
	sex      func(string) string
}

var certificateWords = map[string]words{
	"zh": {types: InsuranceTypeNames, statuses: InsuranceStatusNames, paid: "已缴费", arrears: "欠费",
		notes: []string{
			"本证明仅反映打印时点的参保缴费信息，缴费基数与个人缴费金额单位为元。",
			"本证明加盖电子印章，与纸质证明具有同等效力；可扫描二维码或登录经办机构网站输入校验码核验真伪。",
		},
		sex: func(s string) string { return s }},
	"en": {types: insuranceTypeNamesEN, statuses: insuranceStatusNamesEN, paid: "Paid", arrears: "Arrears",
		notes: []string{
			"This certificate shows the insurance and contribution records at the time of printing; amounts are in yuan (CNY).",
			"This certificate bears an electronic seal and has the same effect as a paper certificate; scan the QR code or enter the verification code on the agency's website to check that it is authentic.",
		},
		sex: func(s string) string { return nameOr(sexEN[s], s) }},
}

func init() {
	zh, en := certificateWords["zh"], certificateWords["en"]
	pair := func(a, b string) string { return a + " " + b }
	w := words{types: map[string]string{}, statuses: map[int]string{},
		paid: pair(zh.paid, en.paid), arrears: pair(zh.arrears, en.arrears),
		sex: func(s string) string { return pair(s, nameOr(sexEN[s], "")) }}
	for k, v := range zh.types {
		w.types[k] = pair(v, en.types[k])
	}
	for k, v := range zh.statuses {
		w.statuses[k] = pair(v, en.statuses[k])
	}
	for i := range zh.notes {
		w.notes = append(w.notes, zh.notes[i]+"\n"+en.notes[i])
	}
	certificateWords[LangBoth] = w
}

// certificateMonths is how many months the 参保证明 lists.
const certificateMonths = 24

// maxLookbackMonths bounds the count of consecutive months at the current
// unit (30 years).
const maxLookbackMonths = 30 * 12

// certificateData reads everything a person's 参保证明 shows.
func (s *Service) certificateData(ctx context.Context, personID, lang string, now time.Time) (*render.InsuranceCertificate, error) {
	w, ok := certificateWords[lang]
	if !ok {
		return nil, fmt.Errorf("%w: language %q (want zh or en)", ErrBadRequest, lang)
	}
	p, err := s.records.Person(ctx, personID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, fmt.Errorf("%w: no insured person %s", ErrBadRequest, model.MaskID(personID))
	}
	if err != nil {
		return nil, fmt.Errorf("signer: person: %w", err)
	}
	units := map[string]string{}
	unitName := func(code string) (string, error) {
		if code == "" {
			return "", nil
		}
		if n, ok := units[code]; ok {
			return n, nil
		}
		u, err := s.records.Unit(ctx, code)
		if errors.Is(err, model.ErrNotFound) {
			units[code] = code
			return code, nil
		}
		if err != nil {
			return "", fmt.Errorf("signer: unit: %w", err)
		}
		units[code] = u.Name
		return u.Name, nil
	}
	d := &render.InsuranceCertificate{Name: p.Name, Sex: w.sex(p.Sex), PersonID: p.ID, Lang: lang}
	if d.UnitName, err = unitName(p.UnitCode); err != nil {
		return nil, err
	}
	ins, err := s.records.Insurances(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("signer: insurances: %w", err)
	}
	for _, in := range ins {
		un, err := unitName(in.UnitCode)
		if err != nil {
			return nil, err
		}
		d.Statuses = append(d.Statuses, render.InsuranceStatus{
			Type: in.Type, TypeName: nameOr(w.types[in.Type], in.Type),
			Status: nameOr(w.statuses[in.Status], fmt.Sprint(in.Status)), Since: in.Since, UnitName: un,
		})
	}

	// The 24 months before the month of issue.
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location()).AddDate(0, -1, 0)
	first := last.AddDate(0, -(certificateMonths - 1), 0)
	cs, err := s.records.ContributionsBetween(ctx, p.ID, first.Format("2006-01"), last.Format("2006-01"))
	if err != nil {
		return nil, fmt.Errorf("signer: contributions: %w", err)
	}
	rows := map[string]*render.MonthRow{}
	for _, c := range cs {
		r := rows[c.Month]
		if r == nil {
			r = &render.MonthRow{Month: c.Month, Status: w.paid}
			rows[c.Month] = r
		}
		switch c.Type {
		case model.InsPensionEnterprise, model.InsPensionPublic:
			r.PensionBase, r.PensionPersonal = c.Base, c.Personal
		case model.InsMedical:
			r.MedicalBase, r.MedicalPersonal = c.Base, c.Personal
		case model.InsUnemployment:
			r.UnemploymentBase, r.UnemploymentPersonal = c.Base, c.Personal
		}
		if !c.Paid {
			r.Status = w.arrears
		}
		if r.UnitName == "" {
			if r.UnitName, err = unitName(c.UnitCode); err != nil {
				return nil, err
			}
		}
	}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		if r, ok := rows[m.Format("2006-01")]; ok {
			d.Months = append(d.Months, *r)
		}
	}
	d.ConsecutiveMonths, err = s.consecutiveMonths(ctx, p, cs, first, last)
	if err != nil {
		return nil, err
	}
	d.Notes = w.notes
	return d, nil
}

// consecutiveMonths counts the paid pension months at the person's current
// unit, going back from last without a gap. cs holds the months from first
// to last; when they are all paid there, the store counts on from the
// month before first (Records.PaidStreak), for at most maxLookbackMonths
// in all.
func (s *Service) consecutiveMonths(ctx context.Context, p model.Person, cs []model.Contribution, first, last time.Time) (int, error) {
	if p.UnitCode == "" {
		return 0, nil
	}
	paid := map[string]bool{}
	for _, c := range cs {
		if (c.Type == model.InsPensionEnterprise || c.Type == model.InsPensionPublic) && c.Paid && c.UnitCode == p.UnitCode {
			paid[c.Month] = true
		}
	}
	n := 0
	m := last
	for !m.Before(first) && paid[m.Format("2006-01")] {
		n++
		m = m.AddDate(0, -1, 0)
	}
	if !m.Before(first) || n >= maxLookbackMonths {
		return min(n, maxLookbackMonths), nil
	}
	// The whole window was paid: the store counts on before it.
	more, err := s.records.PaidStreak(ctx, p.ID, p.UnitCode, pensionTypes, m.Format("2006-01"), maxLookbackMonths-n)
	if err != nil {
		return 0, fmt.Errorf("signer: contributions: %w", err)
	}
	return n + more, nil
}

// pensionTypes are the insurance types whose months count as paid pension
// months at a unit.
var pensionTypes = []string{model.InsPensionEnterprise, model.InsPensionPublic}

func nameOr(name, fallback string) string {
	if name == "" {
		return fallback
	}
	return name
}
