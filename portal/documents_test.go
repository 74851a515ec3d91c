package portal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sihub/hsm"
	"sihub/model"
	"sihub/signer"
	"sihub/signer/render"
)

var idemRE = regexp.MustCompile(`name="idempotency_key" value="([0-9a-f]{32})"`)

func TestIssueAndList(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)
	page := b.get("/me/documents")
	if !strings.Contains(page.Body, "开具参保证明") {
		t.Fatalf("no issue button:\n%s", page.Body)
	}
	tok := csrfRE.FindStringSubmatch(page.Body)[1]
	key := idemRE.FindStringSubmatch(page.Body)[1]
	form := url.Values{"csrf": {tok}, "kind": {"insurance-certificate"}, "idempotency_key": {key}}
	r := b.post("/me/documents/issue", form)
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/me/documents?issued=NEWDOC") {
		t.Fatalf("issue: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	// The same form submitted twice names the same document.
	r2 := b.post("/me/documents/issue", form)
	if r2.Header.Get("Location") != r.Header.Get("Location") {
		t.Fatalf("double submit: %q then %q", r.Header.Get("Location"), r2.Header.Get("Location"))
	}
	if len(e.issuer.reqs) != 2 || e.issuer.reqs[0].Subject != zhangID || e.issuer.reqs[0].Actor != zhangID ||
		!strings.HasPrefix(e.issuer.reqs[0].IdempotencyKey, "portal:"+zhangID+":"+key+":insurance-certificate:zh:") {
		t.Fatalf("issuer requests: %+v", e.issuer.reqs)
	}
	list := b.get(r.Header.Get("Location"))
	if !strings.Contains(list.Body, "已开具参保证明") || !strings.Contains(list.Body, "CB2026000001") ||
		!strings.Contains(list.Body, `class="highlight"`) {
		t.Fatalf("list after issue:\n%s", list.Body)
	}
	if strings.Count(list.Body, "<tr") != 1+3 { // header + two old + one new
		t.Fatalf("rows: %d", strings.Count(list.Body, "<tr"))
	}
	for _, want := range []string{"有效", "已被替代", "参保证明", "2026-11-27"} {
		if !strings.Contains(list.Body, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	if got := e.audit.find(actionIssueRequest, "ok"); len(got) != 2 || got[0].Actor != zhangID {
		t.Fatalf("audit: %+v", got)
	}
}

func TestIssueRefusesOtherKindsAndRoles(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)
	tok := b.csrf("/me/documents")
	r := b.post("/me/documents/issue", url.Values{"csrf": {tok}, "kind": {"unit-insurance-certificate"}, "idempotency_key": {strings.Repeat("b", 32)}})
	if r.StatusCode != http.StatusForbidden {
		t.Fatalf("citizen asking for a unit certificate: %d", r.StatusCode)
	}
	r = b.post("/me/documents/issue", url.Values{"csrf": {tok}, "kind": {"insurance-certificate"}, "idempotency_key": {"short"}})
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad idempotency key: %d", r.StatusCode)
	}
	clerk := e.browser()
	clerk.mustLogin("clerk", "clerk-pw-1")
	if r := clerk.get("/me/documents"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("clerk my documents: %d", r.StatusCode)
	}
	if len(e.issuer.reqs) != 0 {
		t.Fatalf("issuer called %d times", len(e.issuer.reqs))
	}
}

func TestDownloadOwnerOnly(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)
	r := b.get("/me/documents/" + strings.ToLower(groupCode(validCode)) + "/pdf")
	if r.StatusCode != 200 || r.Body != "%PDF-1.7 zhang" || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("own download: %d %q %q", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}
	cd := r.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, `attachment; filename="sihub-insurance-certificate-CB2026000001.pdf"`) ||
		!strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape("参保证明-CB2026000001.pdf")) {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if got := e.audit.find(actionDownload, "ok"); len(got) != 1 || got[0].Object != validCode {
		t.Fatalf("audit: %+v", got)
	}
	// Someone else's document and a document that does not exist look the same.
	theirs := b.get("/me/documents/" + otherCode + "/pdf")
	none := b.get("/me/documents/" + "Z9Z9Z9Z9Z9Z9Z9Z9Z9" + "/pdf")
	if theirs.StatusCode != 404 || none.StatusCode != 404 {
		t.Fatalf("statuses %d %d", theirs.StatusCode, none.StatusCode)
	}
	if stripRequestID(theirs.Body) != stripRequestID(none.Body) {
		t.Fatal("other owner's document distinguishable from a missing one")
	}
	if strings.Contains(theirs.Body, "%PDF") {
		t.Fatal("PDF leaked")
	}
	if got := e.audit.find(actionDownload, "denied"); len(got) != 2 {
		t.Fatalf("denied audit: %+v", got)
	}
	// Not logged in: to the login page.
	anon := e.browser().get("/me/documents/" + validCode + "/pdf")
	if anon.StatusCode != http.StatusSeeOther || !strings.HasPrefix(anon.Header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous download: %d %q", anon.StatusCode, anon.Header.Get("Location"))
	}
}

var ridRE = regexp.MustCompile(`[0-9a-f]{16}`)

func stripRequestID(s string) string { return ridRE.ReplaceAllString(s, "RID") }

// failingIssuer fails every issuance with err.
type failingIssuer struct{ err error }

func (f failingIssuer) Issue(context.Context, signer.IssueRequest) (*signer.Issued, error) {
	return nil, f.err
}

func TestIssueFailuresAreExplained(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		want   string
	}{
		{fmt.Errorf("wrap: %w", signer.ErrBadRequest), 400, "没有找到开具所需的参保记录"},
		{signer.ErrUnsupportedKind, 503, "暂不支持在线开具"},
		{fmt.Errorf("signer: sealing: %w", hsm.ErrCircuitOpen), 503, "电子印章设备暂时无法使用"},
		{errors.New("disk on fire"), 500, "系统暂时无法完成"},
		{fmt.Errorf("signer: rendering: %w", &render.MissingGlyphError{Rune: '䶮', Text: "刘䶮"}), 400, "“䶮”（U&#43;4DAE）无法印制"},
	} {
		e := newEnv(t, func(cfg *Config, d *Deps) { d.Issuer = failingIssuer{c.err} })
		b := e.browser()
		b.mustLogin(zhangID, zhangPW)
		tok := b.csrf("/me/documents")
		r := b.post("/me/documents/issue", url.Values{"csrf": {tok}, "kind": {"insurance-certificate"}, "idempotency_key": {strings.Repeat("d", 32)}})
		if r.StatusCode != c.status || !strings.Contains(r.Body, c.want) || strings.Contains(r.Body, "disk on fire") {
			t.Errorf("%v: %d\n%s", c.err, r.StatusCode, r.Body)
		}
		if got := e.audit.find(actionIssueRequest, "failed"); len(got) != 1 {
			t.Errorf("%v: audit %+v", c.err, got)
		}
	}
}

func TestUnitAgentSeesUnitDocuments(t *testing.T) {
	const unit = "91110108MA01ABCD5T"
	e := newEnv(t, func(c *Config, d *Deps) {
		d.Accounts.(fakeAccounts)[unit] = model.Account{Login: unit, Role: model.AccountUnit, DisplayName: "示范科技有限公司",
			UnitCode: unit, PasswordHash: hashFor(t, "unit-pw-1")}
	})
	e.docs.put(model.Document{Code: "UNITDOC00000000001", Number: "DW2026000001", Kind: signer.KindUnitInsuranceCertificate,
		Subject: unit, SubjectName: "示范科技有限公司", IssuedAt: t0, ValidUntil: t0.Add(time.Hour), Status: model.DocValid}, []byte("%PDF unit"))
	b := e.browser()
	b.mustLogin(strings.ToLower(unit), "unit-pw-1")
	page := b.get("/me/documents")
	if !strings.Contains(page.Body, "DW2026000001") || strings.Contains(page.Body, "CB2026000001") || !strings.Contains(page.Body, "开具单位参保证明") {
		t.Fatalf("unit page:\n%s", page.Body)
	}
	tok := csrfRE.FindStringSubmatch(page.Body)[1]
	key := idemRE.FindStringSubmatch(page.Body)[1]
	r := b.post("/me/documents/issue", url.Values{"csrf": {tok}, "kind": {signer.KindUnitInsuranceCertificate}, "idempotency_key": {key}})
	if r.StatusCode != http.StatusSeeOther || e.issuer.reqs[0].Subject != unit || e.issuer.reqs[0].Kind != signer.KindUnitInsuranceCertificate {
		t.Fatalf("unit issue: %d %+v", r.StatusCode, e.issuer.reqs)
	}
	if r := b.get("/me/documents/UNITDOC00000000001/pdf"); r.StatusCode != 200 || r.Body != "%PDF unit" {
		t.Fatalf("unit download: %d", r.StatusCode)
	}
}

func TestDisplayNameFromPersonRecord(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustLogin(liID, liPW) // the account has no display name
	page := b.get("/me/documents")
	if !strings.Contains(page.Body, `<span title="已登录">`+liName+`</span>`) {
		t.Fatalf("header does not greet %s:\n%s", liName, page.Body)
	}
}
