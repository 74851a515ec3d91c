package portal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sihub/model"
	"sihub/signer"
)

// fakeRecords holds contributions and benefit payments by person.
type fakeRecords struct {
	contributions map[string][]model.Contribution
	benefits      map[string][]model.BenefitPayment
}

func (f fakeRecords) ContributionsBetween(_ context.Context, personID, from, to string) ([]model.Contribution, error) {
	var out []model.Contribution
	for _, c := range f.contributions[personID] {
		if c.Month >= from && c.Month <= to {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f fakeRecords) BenefitPayments(_ context.Context, personID, from, to string) ([]model.BenefitPayment, error) {
	var out []model.BenefitPayment
	for _, p := range f.benefits[personID] {
		if p.Month >= from && p.Month <= to {
			out = append(out, p)
		}
	}
	return out, nil
}

// Zhang paid in 2023, 2025 and 2026 (2024's month is unpaid) and receives no
// benefit; Li draws a pension since 2025.
var testRecords = fakeRecords{
	contributions: map[string][]model.Contribution{
		zhangID: {
			{PersonID: zhangID, Month: "2023-05", Type: model.InsPensionEnterprise, Base: 800000, Paid: true},
			{PersonID: zhangID, Month: "2024-03", Type: model.InsPensionEnterprise, Base: 800000, Paid: false},
			{PersonID: zhangID, Month: "2025-11", Type: model.InsPensionEnterprise, Base: 800000, Paid: true},
			{PersonID: zhangID, Month: "2026-10", Type: model.InsPensionEnterprise, Base: 800000, Paid: true},
		},
	},
	benefits: map[string][]model.BenefitPayment{
		liID: {{PersonID: liID, Month: "2025-12", Item: "基本养老金", Amount: 350000}, {PersonID: liID, Month: "2026-10", Item: "基本养老金", Amount: 360000}},
	},
}

func withRecords(_ *Config, d *Deps) { d.Records = testRecords }

// formOf returns the card of kind on a documents page.
func formOf(t *testing.T, page, kind string) (string, bool) {
	t.Helper()
	start := strings.Index(page, `id="issue-`+kind+`"`)
	if start < 0 {
		return "", false
	}
	rest := page[start:]
	if end := strings.Index(rest[1:], `<div class="issue-form"`); end >= 0 {
		rest = rest[:end+1]
	}
	return rest, true
}

var optionRE = regexp.MustCompile(`<option value="([^"]*)"`)

// options lists the option values of the select named name in a form.
func options(form, name string) []string {
	i := strings.Index(form, `<select name="`+name+`"`)
	if i < 0 {
		return nil
	}
	sel := form[i:]
	sel = sel[:strings.Index(sel, "</select>")]
	var out []string
	for _, m := range optionRE.FindAllStringSubmatch(sel, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestPersonSeesEveryRequestableKindWithItsChoices(t *testing.T) {
	e := newEnv(t, withRecords)
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)
	page := b.get("/me/documents").Body
	for _, c := range []struct {
		kind  string
		langs []string
	}{
		{signer.KindInsuranceCertificate, []string{"zh", "en", "zh,en"}},
		{signer.KindRightsRecord, []string{"zh", "en"}},
		{signer.KindTransferVoucher, []string{"zh", "en", "zh,en"}},
		{signer.KindOverseasExemption, []string{"zh", "en", "zh,en"}},
	} {
		form, ok := formOf(t, page, c.kind)
		if !ok {
			t.Fatalf("no form for %s:\n%s", c.kind, page)
		}
		if got := options(form, "lang"); fmt.Sprint(got) != fmt.Sprint(c.langs) {
			t.Errorf("%s: languages %q, want %q", c.kind, got, c.langs)
		}
		if !strings.Contains(form, `name="idempotency_key"`) || !strings.Contains(form, `name="csrf"`) {
			t.Errorf("%s: form without its key or CSRF token", c.kind)
		}
	}
	rights, _ := formOf(t, page, signer.KindRightsRecord)
	if got := options(rights, "year"); fmt.Sprint(got) != "[2026 2025 2023]" {
		t.Errorf("rights record years %q, want the paid years 2026, 2025 and 2023", got)
	}
	if !strings.Contains(rights, `<option value="2025" selected>`) {
		t.Errorf("rights record: last year (2025) is not the default:\n%s", rights)
	}
	exemption, _ := formOf(t, page, signer.KindOverseasExemption)
	countries := options(exemption, "country")
	if len(countries) != 1+len(signer.AgreementCountries) || !strings.Contains(exemption, ">德国<") {
		t.Errorf("exemption countries %q", countries)
	}
	// Zhang receives no benefit: the card says so and has no form.
	benefits, ok := formOf(t, page, signer.KindBenefitDetails)
	if !ok || strings.Contains(benefits, "<form") || !strings.Contains(benefits, "没有查到您领取社会保险待遇的记录") {
		t.Errorf("benefit details card for a person without benefits:\n%s", benefits)
	}
	if _, ok := formOf(t, page, signer.KindUnitInsuranceCertificate); ok {
		t.Error("a person is offered the unit certificate")
	}
	// Li draws a pension: benefit details, Chinese only, by year or the last 12 months.
	lb := e.browser()
	lb.mustLogin(liID, liPW)
	lpage := lb.get("/me/documents").Body
	lben, _ := formOf(t, lpage, signer.KindBenefitDetails)
	if !strings.Contains(lben, "<form") || options(lben, "lang") != nil || fmt.Sprint(options(lben, "year")) != "[0 2026 2025]" {
		t.Errorf("Li's benefit details form:\n%s", lben)
	}
}

func TestEachKindIsIssuedWithItsChoices(t *testing.T) {
	e := newEnv(t, withRecords)
	zhang := e.browser()
	zhang.mustLogin(zhangID, zhangPW)
	li := e.browser()
	li.mustLogin(liID, liPW)
	for i, c := range []struct {
		b    *browser
		form url.Values
		want signer.IssueRequest
	}{
		{zhang, url.Values{"kind": {signer.KindInsuranceCertificate}, "lang": {"en"}},
			signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: zhangID, Lang: "en"}},
		{zhang, url.Values{"kind": {signer.KindInsuranceCertificate}, "lang": {"zh,en"}},
			signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: zhangID, Lang: "zh,en"}},
		{zhang, url.Values{"kind": {signer.KindRightsRecord}, "year": {"2023"}, "lang": {"en"}},
			signer.IssueRequest{Kind: signer.KindRightsRecord, Subject: zhangID, Lang: "en", Year: 2023}},
		{zhang, url.Values{"kind": {signer.KindTransferVoucher}},
			signer.IssueRequest{Kind: signer.KindTransferVoucher, Subject: zhangID, Lang: "zh"}},
		{zhang, url.Values{"kind": {signer.KindOverseasExemption}, "country": {"de"}, "posted_from": {"2026-12-01"}, "posted_to": {"2028-11-30"}, "lang": {"zh,en"}},
			signer.IssueRequest{Kind: signer.KindOverseasExemption, Subject: zhangID, Lang: "zh,en", Country: "DE", PostedFrom: "2026-12-01", PostedTo: "2028-11-30"}},
		{li, url.Values{"kind": {signer.KindBenefitDetails}, "year": {"0"}},
			signer.IssueRequest{Kind: signer.KindBenefitDetails, Subject: liID, Lang: "zh"}},
		{li, url.Values{"kind": {signer.KindBenefitDetails}, "year": {"2025"}},
			signer.IssueRequest{Kind: signer.KindBenefitDetails, Subject: liID, Lang: "zh", Year: 2025}},
	} {
		c.form.Set("csrf", c.b.csrf("/me/documents"))
		c.form.Set("idempotency_key", strings.Repeat(fmt.Sprintf("%x", i), 32))
		r := c.b.post("/me/documents/issue", c.form)
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/me/documents?issued=") {
			t.Fatalf("%d %v: %d\n%s", i, c.form, r.StatusCode, r.Body)
		}
		got := e.issuer.reqs[len(e.issuer.reqs)-1]
		c.want.Actor, c.want.IdempotencyKey = got.Actor, got.IdempotencyKey
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", c.want) {
			t.Errorf("%d: issuer asked\n %+v\nwant\n %+v", i, got, c.want)
		}
		if got.Actor != c.want.Subject || !strings.HasPrefix(got.IdempotencyKey, "portal:"+c.want.Subject+":") {
			t.Errorf("%d: actor %q, idempotency key %q", i, got.Actor, got.IdempotencyKey)
		}
	}
	if got := e.audit.find(actionIssueRequest, "ok"); len(got) != 7 || !strings.Contains(got[4].Detail, "country=DE") {
		t.Errorf("audit: %+v", got)
	}
	// The same form with another language is another document; sent
	// twice, the same one.
	tok := zhang.csrf("/me/documents")
	key := strings.Repeat("e", 32)
	first := zhang.post("/me/documents/issue", url.Values{"csrf": {tok}, "kind": {signer.KindInsuranceCertificate}, "idempotency_key": {key}, "lang": {"zh"}})
	again := zhang.post("/me/documents/issue", url.Values{"csrf": {tok}, "kind": {signer.KindInsuranceCertificate}, "idempotency_key": {key}, "lang": {"zh"}})
	other := zhang.post("/me/documents/issue", url.Values{"csrf": {tok}, "kind": {signer.KindInsuranceCertificate}, "idempotency_key": {key}, "lang": {"en"}})
	if first.Header.Get("Location") != again.Header.Get("Location") || first.Header.Get("Location") == other.Header.Get("Location") {
		t.Errorf("locations %q %q %q", first.Header.Get("Location"), again.Header.Get("Location"), other.Header.Get("Location"))
	}
}

func TestIssueRefusalsAreExplained(t *testing.T) {
	e := newEnv(t, withRecords, func(_ *Config, d *Deps) {
		d.Accounts.(fakeAccounts)[unitCode] = model.Account{Login: unitCode, Role: model.AccountUnit, DisplayName: "示范科技有限公司",
			UnitCode: unitCode, PasswordHash: hashFor(t, unitPW)}
	})
	zhang := e.browser()
	zhang.mustLogin(zhangID, zhangPW)
	unit := e.browser()
	unit.mustLogin(unitCode, unitPW)
	for _, c := range []struct {
		who    *browser
		form   url.Values
		status int
		want   string
	}{
		{zhang, url.Values{"kind": {signer.KindUnitInsuranceCertificate}}, 403, "不能开具此类文书"},
		{zhang, url.Values{"kind": {signer.KindReceipt}}, 403, "不能开具此类文书"},
		{zhang, url.Values{"kind": {"no-such-kind"}}, 403, "不能开具此类文书"},
		{unit, url.Values{"kind": {signer.KindInsuranceCertificate}}, 403, "不能开具此类文书"},
		{unit, url.Values{"kind": {signer.KindRightsRecord}, "year": {"2025"}}, 403, "不能开具此类文书"},
		{unit, url.Values{"kind": {signer.KindUnitInsuranceCertificate}, "lang": {"en"}}, 400, "没有所选的语言版本"},
		{zhang, url.Values{"kind": {signer.KindInsuranceCertificate}, "lang": {"fr"}}, 400, "没有所选的语言版本"},
		{zhang, url.Values{"kind": {signer.KindRightsRecord}, "year": {"2024"}}, 400, "您在 2024 年没有缴费记录"},
		{zhang, url.Values{"kind": {signer.KindRightsRecord}, "year": {"last"}}, 400, "请选择年度"},
		{zhang, url.Values{"kind": {signer.KindRightsRecord}, "year": {"2025"}, "lang": {"zh,en"}}, 400, "没有所选的语言版本"},
		{zhang, url.Values{"kind": {signer.KindBenefitDetails}, "year": {"0"}}, 400, "没有查到您领取社会保险待遇的记录"},
		{zhang, url.Values{"kind": {signer.KindOverseasExemption}, "country": {"US"}}, 400, "请选择与我国签有社会保障协定的派往国家"},
		{zhang, url.Values{"kind": {signer.KindOverseasExemption}, "country": {"DE"}, "posted_from": {"1.12.2026"}}, 400, "派遣日期应为"},
		{zhang, url.Values{"kind": {signer.KindOverseasExemption}, "country": {"DE"}, "posted_from": {"2027-01-01"}, "posted_to": {"2026-12-01"}}, 400, "派遣结束日期早于开始日期"},
	} {
		c.form.Set("csrf", c.who.csrf("/me/documents"))
		c.form.Set("idempotency_key", strings.Repeat("c", 32))
		r := c.who.post("/me/documents/issue", c.form)
		if r.StatusCode != c.status || !strings.Contains(r.Body, c.want) {
			t.Errorf("%v: %d, want %d with %q\n%s", c.form, r.StatusCode, c.status, c.want, r.Body)
		}
	}
	if len(e.issuer.reqs) != 0 {
		t.Fatalf("refused requests reached the issuer: %+v", e.issuer.reqs)
	}
	if n := len(e.audit.find(actionIssueRequest, "denied")) + len(e.audit.find(actionIssueRequest, "refused")); n != 14 {
		t.Errorf("%d refusals audited, want 14", n)
	}
	// Without the CSRF token nothing is issued.
	r := zhang.post("/me/documents/issue", url.Values{"kind": {signer.KindInsuranceCertificate}, "idempotency_key": {strings.Repeat("c", 32)}})
	if r.StatusCode != http.StatusForbidden || len(e.issuer.reqs) != 0 {
		t.Errorf("without CSRF: %d, %d requests", r.StatusCode, len(e.issuer.reqs))
	}
}

// A person's request names the session's subject whatever the form says:
// no field selects another person.
func TestIssueIgnoresAnotherSubjectInTheForm(t *testing.T) {
	e := newEnv(t, withRecords)
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)
	r := b.post("/me/documents/issue", url.Values{"csrf": {b.csrf("/me/documents")}, "kind": {signer.KindTransferVoucher},
		"idempotency_key": {strings.Repeat("a", 32)}, "subject": {liID}, "person": {liID}})
	if r.StatusCode != http.StatusSeeOther || len(e.issuer.reqs) != 1 || e.issuer.reqs[0].Subject != zhangID {
		t.Fatalf("%d %+v", r.StatusCode, e.issuer.reqs)
	}
}

func TestSignerRefusalsOfNewKindsAreExplained(t *testing.T) {
	for _, c := range []struct {
		kind string
		form url.Values
		err  error
		want string
	}{
		{signer.KindRightsRecord, url.Values{"year": {"2023"}}, fmt.Errorf("%w: %w: no paid pension", signer.ErrBadRequest, signer.ErrNothingToState), "没有可记载的养老保险缴费记录"},
		{signer.KindOverseasExemption, url.Values{"country": {"KR"}}, fmt.Errorf("%w: not contributing", signer.ErrBadRequest), "不在该协定所涵盖险种的正常缴费状态"},
	} {
		e := newEnv(t, withRecords, func(_ *Config, d *Deps) { d.Issuer = failingIssuer{c.err} })
		b := e.browser()
		b.mustLogin(zhangID, zhangPW)
		c.form.Set("csrf", b.csrf("/me/documents"))
		c.form.Set("kind", c.kind)
		c.form.Set("idempotency_key", strings.Repeat("f", 32))
		r := b.post("/me/documents/issue", c.form)
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, c.want) || strings.Contains(r.Body, "not contributing") {
			t.Errorf("%s: %d\n%s", c.kind, r.StatusCode, r.Body)
		}
		if got := e.audit.find(actionIssueRequest, "failed"); len(got) != 1 {
			t.Errorf("%s: audit %+v", c.kind, got)
		}
	}
}

// Receipts and result notices of a person's applications are filed under
// the applicant: they are listed in 我的证明 and downloaded by their owner
// only.
func TestApplicationNoticesAreListedForTheApplicant(t *testing.T) {
	e := newEnv(t, withRecords)
	e.docs.put(model.Document{Code: "RCPT00000000000001", Number: "SLTZ-2026-000001", Kind: signer.KindReceipt,
		Subject: zhangID, SubjectName: zhangName, IssuedAt: t0.Add(-time.Hour), ValidUntil: t0.Add(180 * 24 * time.Hour), Status: model.DocValid},
		[]byte("%PDF receipt"))
	e.docs.put(model.Document{Code: "NOTE00000000000001", Number: "JGGZ-2026-000001", Kind: signer.KindResultNotice,
		Subject: liID, SubjectName: liName, IssuedAt: t0.Add(-time.Hour), ValidUntil: t0.Add(365 * 24 * time.Hour), Status: model.DocValid},
		[]byte("%PDF notice"))
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)
	page := b.get("/me/documents").Body
	if !strings.Contains(page, "SLTZ-2026-000001") || !strings.Contains(page, "<td>受理通知单</td>") || strings.Contains(page, "JGGZ-2026-000001") {
		t.Fatalf("list:\n%s", page)
	}
	if r := b.get("/me/documents/RCPT00000000000001/pdf"); r.StatusCode != 200 || r.Body != "%PDF receipt" ||
		!strings.Contains(r.Header.Get("Content-Disposition"), url.PathEscape("受理通知单")) {
		t.Fatalf("own receipt: %d %q", r.StatusCode, r.Header.Get("Content-Disposition"))
	}
	if r := b.get("/me/documents/NOTE00000000000001/pdf"); r.StatusCode != 404 {
		t.Fatalf("another person's result notice: %d", r.StatusCode)
	}
	l := e.browser()
	l.mustLogin(liID, liPW)
	if r := l.get("/me/documents/NOTE00000000000001/pdf"); r.StatusCode != 200 || r.Body != "%PDF notice" {
		t.Fatalf("Li's own result notice: %d", r.StatusCode)
	}
}

// FuzzParseIssueChoices: whatever a form holds, the choices accepted are
// ones the kind offers (its languages, a year with records, an agreement
// country, real dates in order), and anything else is a bad request.
func FuzzParseIssueChoices(f *testing.F) {
	f.Add(signer.KindInsuranceCertificate, "en", "", "", "", "")
	f.Add(signer.KindRightsRecord, "zh", "2025", "", "", "")
	f.Add(signer.KindBenefitDetails, "", "0", "", "", "")
	f.Add(signer.KindOverseasExemption, "zh,en", "", "de", "2026-12-01", "2028-11-30")
	f.Add(signer.KindOverseasExemption, "", "", "德国", "2026-02-30", "")
	f.Add(signer.KindRightsRecord, "en,zh", "-1", "", "", "")
	s, err := newServer(Config{SessionKey: make([]byte, 32), Now: func() time.Time { return t0 }},
		Deps{Accounts: fakeAccounts{}, Documents: &fakeDocs{}, Audit: &fakeAudit{}, Records: testRecords})
	if err != nil {
		f.Fatal(err)
	}
	se := &session{PersonID: zhangID}
	f.Fuzz(func(t *testing.T, kind, lang, year, country, from, to string) {
		form := map[string]string{"lang": lang, "year": year, "country": country, "posted_from": from, "posted_to": to}
		c, err := s.parseIssueChoices(context.Background(), se, kind, func(k string) string { return form[k] })
		if err != nil {
			if !errors.Is(err, ErrBadRequest) {
				t.Fatalf("error %v is not a bad request", err)
			}
			return
		}
		if !slices.Contains(signer.KindLanguages(kind), c.Lang) {
			t.Fatalf("language %q accepted for %q", c.Lang, kind)
		}
		switch kind {
		case signer.KindRightsRecord:
			if !slices.Contains([]int{2026, 2025, 2023}, c.Year) {
				t.Fatalf("rights record year %d accepted", c.Year)
			}
		case signer.KindBenefitDetails:
			t.Fatalf("benefit details accepted for a person without benefits: %+v", c)
		case signer.KindOverseasExemption:
			if _, ok := signer.Country(c.Country); !ok || c.Country == "" {
				t.Fatalf("country %q accepted", c.Country)
			}
			for _, d := range []string{c.PostedFrom, c.PostedTo} {
				if _, err := time.Parse("2006-01-02", d); d != "" && err != nil {
					t.Fatalf("date %q accepted", d)
				}
			}
			if c.PostedFrom != "" && c.PostedTo != "" && c.PostedTo < c.PostedFrom {
				t.Fatalf("posting %s..%s accepted", c.PostedFrom, c.PostedTo)
			}
		}
	})
}
