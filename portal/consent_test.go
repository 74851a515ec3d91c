package portal

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var consentTokenRE = regexp.MustCompile(`<textarea id="consent-token"[^>]*>([^<]+)</textarea>`)

// grantConsent logs zhang in and grants keyID access to code for hours;
// it returns the token shown.
func grantConsent(t *testing.T, e *env, b *browser, code, keyID, hours string) string {
	t.Helper()
	tok := b.csrf("/me/documents/" + code)
	r := b.post("/me/documents/"+code+"/consents", url.Values{"csrf": {tok}, "institution": {keyID}, "hours": {hours}})
	if r.StatusCode != 200 {
		t.Fatalf("grant: %d\n%s", r.StatusCode, r.Body)
	}
	m := consentTokenRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no token shown:\n%s", r.Body)
	}
	return html.UnescapeString(m[1])
}

func TestConsentUnmasksForOneInstitutionOneDocument(t *testing.T) {
	e := newEnv(t, withStore(t))
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)
	page := b.get("/me/documents/" + validCode)
	if page.StatusCode != 200 || !strings.Contains(page.Body, bankName) || !strings.Contains(page.Body, "还没有机构核验过本文书") {
		t.Fatalf("detail page: %d\n%s", page.StatusCode, page.Body)
	}
	tok := grantConsent(t, e, b, validCode, bankKeyID, "24")
	if len(tok) < 40 || !strings.HasPrefix(tok, consentPrefix) {
		t.Fatalf("token %q", tok)
	}
	lookup := func(key, code, consent string) map[string]any {
		r := e.api("GET", "/api/v1/verify/"+code+"?consent="+url.QueryEscape(consent), key, "", nil)
		if r.StatusCode != 200 {
			t.Fatalf("lookup: %d %s", r.StatusCode, r.Body)
		}
		return decodeJSON(t, r.Body)
	}
	got := lookup(bankKey(), validCode, tok)
	if got["holder_name"] != zhangName || got["holder_id"] != zhangID || got["holder_name_masked"] != "张*" {
		t.Fatalf("with consent: %v", got)
	}
	if c := got["consent"].(map[string]any); c["accepted"] != true || c["expires_at"] != t0.Add(24*time.Hour).Format(time.RFC3339) {
		t.Errorf("consent status: %v", c)
	}
	for name, c := range map[string]struct{ key, code, tok, reason string }{
		"other institution": {employerKey(), validCode, tok, "other_institution"},
		"other document":    {bankKey(), oldCode, tok, "other_document"},
		"tampered":          {bankKey(), validCode, tok[:len(tok)-2] + "xx", "invalid"},
		"garbage":           {bankKey(), validCode, "sc1.e30.AAAA", "invalid"},
		"anonymous":         {"", validCode, tok, "api_key_required"},
	} {
		got := lookup(c.key, c.code, c.tok)
		if got["holder_name"] != nil || got["holder_id"] != nil || got["consent"].(map[string]any)["reason"] != c.reason {
			t.Errorf("%s: %v", name, got)
		}
	}
	// Batch: the consent map applies to its code only.
	r := e.api("POST", "/api/v1/verify/batch", bankKey(), "application/json",
		strings.NewReader(`{"codes":["`+validCode+`","`+oldCode+`"],"consents":{"`+strings.ToLower(validCode)+`":"`+tok+`"}}`))
	lines := ndjsonLines(t, r.Body)
	if len(lines) != 2 || lines[0]["holder_id"] != zhangID || lines[1]["holder_id"] != nil {
		t.Fatalf("batch with consent: %v", lines)
	}
	// Expiry.
	e.clock.Advance(24 * time.Hour)
	if got := lookup(bankKey(), validCode, tok); got["holder_id"] != nil || got["consent"].(map[string]any)["reason"] != "expired" {
		t.Errorf("expired: %v", got)
	}

	// The grant and each use by an institution are audited; the token
	// itself is not in the trail.
	grants := auditOf(t, e, actionConsentGrant, validCode)
	if len(grants) != 1 || grants[0].Actor != zhangID || !strings.Contains(grants[0].Detail, "key="+bankKeyID) ||
		!strings.Contains(grants[0].Detail, "consent="+consentFingerprint(tok)) {
		t.Fatalf("grant audit: %+v", grants)
	}
	uses := auditOf(t, e, actionConsentUse, "")
	outcomes := map[string]int{}
	for _, u := range uses {
		outcomes[u.Outcome]++
		if strings.Contains(u.Detail, tok) {
			t.Errorf("token in the audit trail: %q", u.Detail)
		}
	}
	// ok: single + batch; denied: other institution, other document,
	// tampered, garbage, expired (anonymous is no institution's use).
	if outcomes["ok"] != 2 || outcomes["denied"] != 5 {
		t.Errorf("use outcomes %v", outcomes)
	}

	// The citizen sees who checked the document and the grant (the
	// session has expired meanwhile).
	b = e.browser()
	b.mustLogin(zhangID, zhangPW)
	page = b.get("/me/documents/" + validCode)
	for _, want := range []string{bankName, employerName, "凭您的授权查看了完整姓名和证件号码", "出示的授权无效或已过期",
		"2026-11-28 10:00", "有效至 2026-11-29 10:00", consentFingerprint(tok)} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("detail page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, tok) {
		t.Error("the token is shown again")
	}
	// Keyed lookups of validCode: bank with consent, employer, tampered,
	// garbage, batch, expired (the anonymous one is no institution's, the
	// "other document" one is oldCode's); each also used a consent token.
	if n := strings.Count(page.Body, `class="access-row"`); n != 6+6 {
		t.Errorf("access rows: %d, want 12", n)
	}
}

func TestConsentGrantRules(t *testing.T) {
	e := newEnv(t, withStore(t))
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)
	tok := b.csrf("/me/documents/" + validCode)
	for name, c := range map[string]struct {
		path   string
		form   url.Values
		status int
	}{
		"no csrf":           {"/me/documents/" + validCode + "/consents", url.Values{"institution": {bankKeyID}, "hours": {"1"}}, http.StatusForbidden},
		"unknown inst":      {"/me/documents/" + validCode + "/consents", url.Values{"csrf": {tok}, "institution": {"narrow-1"}, "hours": {"1"}}, http.StatusBadRequest},
		"too short":         {"/me/documents/" + validCode + "/consents", url.Values{"csrf": {tok}, "institution": {bankKeyID}, "hours": {"0"}}, http.StatusBadRequest},
		"too long":          {"/me/documents/" + validCode + "/consents", url.Values{"csrf": {tok}, "institution": {bankKeyID}, "hours": {"721"}}, http.StatusBadRequest},
		"not a number":      {"/me/documents/" + validCode + "/consents", url.Values{"csrf": {tok}, "institution": {bankKeyID}, "hours": {"1h"}}, http.StatusBadRequest},
		"someone else's":    {"/me/documents/" + otherCode + "/consents", url.Values{"csrf": {tok}, "institution": {bankKeyID}, "hours": {"1"}}, http.StatusNotFound},
		"no such document":  {"/me/documents/ZZZZZZZZZZZZZZZZZZ/consents", url.Values{"csrf": {tok}, "institution": {bankKeyID}, "hours": {"1"}}, http.StatusNotFound},
		"thirty days is ok": {"/me/documents/" + validCode + "/consents", url.Values{"csrf": {tok}, "institution": {bankKeyID}, "hours": {"720"}}, http.StatusOK},
	} {
		if r := b.post(c.path, c.form); r.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", name, r.StatusCode, c.status)
		}
	}
	if n := len(auditOf(t, e, actionConsentGrant, "")); n != 3 { // the 30-day grant + two denied
		t.Errorf("%d grant audit entries", n)
	}
	// Someone else's detail page is "not found"; without a login, the login page.
	if r := b.get("/me/documents/" + otherCode); r.StatusCode != http.StatusNotFound {
		t.Errorf("other's page: %d", r.StatusCode)
	}
	if r := e.browser().get("/me/documents/" + validCode); r.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: %d", r.StatusCode)
	}
}

func FuzzParseConsentToken(f *testing.F) {
	s, err := newServer(Config{SessionKey: []byte(strings.Repeat("k", 32))}, Deps{Accounts: fakeAccounts{}, Documents: &fakeDocs{}, Audit: &fakeAudit{}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(s.newConsentToken(consentGrant{Code: validCode, KeyID: bankKeyID, Expires: 1}))
	f.Add("sc1.e30.AAAA")
	f.Add("sc1..")
	f.Fuzz(func(t *testing.T, tok string) {
		g, ok := s.parseConsentToken(tok)
		if ok && (g.Code == "" || g.KeyID == "" || !strings.HasPrefix(tok, consentPrefix)) {
			t.Fatalf("accepted %q as %+v", tok, g)
		}
	})
}
