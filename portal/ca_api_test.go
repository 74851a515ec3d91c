package portal

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"

	"sihub/model"
)

// apiCall sends a JSON request with the browser's cookies and, when tok
// is not "", the CSRF header.
func (b *browser) apiCall(method, path, tok, body string) resp {
	b.e.t.Helper()
	req, _ := http.NewRequest(method, b.e.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set(csrfHeader, tok)
	}
	return b.do(req)
}

// apiSession logs in and returns the CSRF token the API hands out.
func (b *browser) apiSession(login, pw string) string {
	b.e.t.Helper()
	b.mustLogin(login, pw)
	r := b.apiCall("GET", "/api/v1/ca/session", "", "")
	var s caSessionJSON
	if err := json.Unmarshal([]byte(r.Body), &s); err != nil || r.StatusCode != 200 || s.Login != login || s.Role != model.AccountCAAdmin || s.CSRFToken == "" {
		b.e.t.Fatalf("session: %d %s", r.StatusCode, r.Body)
	}
	return s.CSRFToken
}

func decodeAs[T any](t *testing.T, r resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
		t.Fatalf("%d %s: %v", r.StatusCode, r.Body, err)
	}
	return v
}

type apiErr struct {
	Error struct{ Code, Message string }
}

func TestCAAPIAuth(t *testing.T) {
	fake := newFakeCA()
	seedSeals(fake, t0)
	e := newCAEnv(t, fake)
	anon := e.browser()
	for _, p := range []string{"/api/v1/ca/session", "/api/v1/ca/seals", "/api/v1/ca/seals/s-active", "/api/v1/ca/certificates", "/api/v1/ca/messages"} {
		r := anon.apiCall("GET", p, "", "")
		if r.StatusCode != http.StatusUnauthorized || decodeAs[apiErr](t, r).Error.Code != "unauthorized" {
			t.Errorf("anonymous GET %s: %d %s", p, r.StatusCode, r.Body)
		}
	}
	citizen := e.browser()
	citizen.mustLogin(zhangID, zhangPW)
	tok := citizen.csrf("/v")
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/ca/session"}, {"GET", "/api/v1/ca/seals"}, {"GET", "/api/v1/ca/certificates"},
		{"POST", "/api/v1/ca/seals"}, {"POST", "/api/v1/ca/seals/s-requested/approve"},
	} {
		r := citizen.apiCall(c.method, c.path, tok, `{"name":"业务专用章","alg":"sm2"}`)
		if r.StatusCode != http.StatusForbidden || decodeAs[apiErr](t, r).Error.Code != "forbidden" {
			t.Errorf("citizen %s %s: %d %s", c.method, c.path, r.StatusCode, r.Body)
		}
	}
	// An institution's API key is no way in either.
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/ca/seals", nil)
	req.Header.Set("Authorization", "Bearer bank.secret")
	if r := anon.do(req); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("API key: %d", r.StatusCode)
	}
	// A ca-admin's change needs the header token, not only the cookie.
	admin := e.browser()
	good := admin.apiSession(admin2, admin2PW)
	flipped := []byte(good)
	flipped[0] ^= 1 // a token that differs in one character
	for _, bad := range []string{"", string(flipped), tok} {
		r := admin.apiCall("POST", "/api/v1/ca/seals/s-requested/approve", bad, "")
		if r.StatusCode != http.StatusForbidden || decodeAs[apiErr](t, r).Error.Code != "csrf" {
			t.Errorf("CSRF %q: %d %s", bad, r.StatusCode, r.Body)
		}
	}
	if n := fake.callCount(); n != 0 {
		t.Fatalf("service called: %v", fake.calls)
	}
	// The form token of the pages is the same token.
	if page := admin.csrf("/ca"); page != good {
		t.Fatalf("session token %q, page token %q", good, page)
	}
}

func TestCAAPIRequestApproveRevoke(t *testing.T) {
	fake := newFakeCA()
	fake.sealDER = v4SESeal(t)
	e := newCAEnv(t, fake)
	a1, a2 := e.browser(), e.browser()
	tok1 := a1.apiSession(admin1, admin1PW)
	tok2 := a2.apiSession(admin2, admin2PW)

	r := a1.apiCall("POST", "/api/v1/ca/seals", tok1, `{"name":"业务专用章","alg":"p256","note":"新业务"}`)
	if r.StatusCode != http.StatusCreated || r.Header.Get("Location") != "/api/v1/ca/seals/seal-0001" {
		t.Fatalf("request: %d %s", r.StatusCode, r.Body)
	}
	got := decodeAs[caSealJSON](t, r)
	if got.ID != "seal-0001" || got.Status != model.SealRequested || got.StatusText != "待审批" || got.RequestedBy != admin1 || got.DaysLeft != nil {
		t.Fatalf("requested seal %+v", got)
	}
	r = a1.apiCall("POST", "/api/v1/ca/seals/seal-0001/approve", tok1, "")
	if e := decodeAs[apiErr](t, r); r.StatusCode != http.StatusForbidden || e.Error.Code != "forbidden" || !strings.Contains(e.Error.Message, "不能审批自己提交的申请") {
		t.Fatalf("own approval: %d %s", r.StatusCode, r.Body)
	}
	r = a2.apiCall("POST", "/api/v1/ca/seals/seal-0001/approve", tok2, "")
	got = decodeAs[caSealJSON](t, r)
	sum := sm3.Sum(fake.sealDER)
	if r.StatusCode != 200 || got.Status != model.SealActive || got.ApprovedBy != admin2 || got.DaysLeft == nil || *got.DaysLeft != 731 ||
		got.SESealSM3 != hex.EncodeToString(sum[:]) || !bytes.Equal(got.SESeal, fake.sealDER) {
		t.Fatalf("approved: %d %s", r.StatusCode, r.Body)
	}
	// Lists leave the DER out but name it.
	list := decodeAs[struct{ Seals []caSealJSON }](t, a1.apiCall("GET", "/api/v1/ca/seals", "", ""))
	if len(list.Seals) != 1 || list.Seals[0].SESeal != nil || list.Seals[0].SESealSM3 != got.SESealSM3 {
		t.Fatalf("list %+v", list)
	}
	for _, c := range []struct {
		action, body string
		status       int
		code         string
	}{
		{"suspend", `{}`, 400, "bad_request"},
		{"suspend", `{"reason":"检修"}`, 200, ""},
		{"suspend", `{"reason":"检修"}`, 409, "conflict"},
		{"resume", ``, 200, ""},
		{"revoke", `{"reason":"lost"}`, 400, "bad_request"},
		{"revoke", `{"reason":"keyCompromise","extra":1}`, 400, "bad_request"},
		{"revoke", `{"reason":"superseded"}`, 200, ""},
		{"resume", ``, 409, "conflict"},
	} {
		r := a1.apiCall("POST", "/api/v1/ca/seals/seal-0001/"+c.action, tok1, c.body)
		if r.StatusCode != c.status || (c.code != "" && decodeAs[apiErr](t, r).Error.Code != c.code) {
			t.Fatalf("%s %s: %d %s", c.action, c.body, r.StatusCode, r.Body)
		}
	}
	final := decodeAs[caSealJSON](t, a2.apiCall("GET", "/api/v1/ca/seals/seal-0001", "", ""))
	if final.Status != model.SealRevoked || final.StatusReason != "superseded" || final.StatusChangedBy != admin1 {
		t.Fatalf("final %+v", final)
	}
	if r := a2.apiCall("GET", "/api/v1/ca/seals/none", "", ""); r.StatusCode != 404 || decodeAs[apiErr](t, r).Error.Code != "not_found" {
		t.Fatalf("unknown seal: %d", r.StatusCode)
	}
	if r := a2.apiCall("POST", "/api/v1/ca/seals", tok2, `{"name":"业务专用章","alg":"rsa"}`); r.StatusCode != 400 ||
		!strings.Contains(decodeAs[apiErr](t, r).Error.Message, "申请内容不符合要求") {
		t.Fatalf("bad alg: %d %s", r.StatusCode, r.Body)
	}
	if r := a2.apiCall("POST", "/api/v1/ca/seals", tok2, `[1,2]`); r.StatusCode != 400 {
		t.Fatalf("not an object: %d", r.StatusCode)
	}
	big := `{"name":"` + strings.Repeat("x", maxFormBytes) + `"}`
	if r := a2.apiCall("POST", "/api/v1/ca/seals", tok2, big); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d", r.StatusCode)
	}
}

func TestCAAPICertificatesAndMessages(t *testing.T) {
	fake := newFakeCA()
	seedSeals(fake, t0)
	e := newCAEnv(t, fake)
	b := e.browser()
	b.apiSession(admin1, admin1PW)
	certs := decodeAs[struct{ Certificates []caCertJSON }](t, b.apiCall("GET", "/api/v1/ca/certificates", "", ""))
	by := map[string]caCertJSON{}
	for _, c := range certs.Certificates {
		by[c.Serial] = c
	}
	if len(by) != 5 || by["02bb"].DaysLeft != 12 || by["02bb"].Role != model.RoleIssuing || by["02bb"].RevocationReason != "" ||
		by["03cc"].RevocationReason != "keyCompromise" || by["03cc"].Status != "revoked" {
		t.Fatalf("certificates %+v", certs)
	}
	if strings.Contains(b.apiCall("GET", "/api/v1/ca/certificates", "", "").Body, `"der"`) {
		t.Error("certificate DER in the list")
	}
	msgs := decodeAs[struct {
		Messages []model.Message
		Unread   int
	}](t, b.apiCall("GET", "/api/v1/ca/messages", "", ""))
	if msgs.Unread != 2 || len(msgs.Messages) != 3 {
		t.Fatalf("messages %+v", msgs)
	}
	// An unknown method on an API path is JSON too.
	if r := b.apiCall("DELETE", "/api/v1/ca/seals/s-active", "", ""); r.StatusCode != http.StatusMethodNotAllowed ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("DELETE: %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
}
