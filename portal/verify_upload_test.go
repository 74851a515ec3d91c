package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"sihub/verifier"
)

// fakeVerifier calls files starting with "%PDF-good" valid and everything
// else tampered.
type fakeVerifier struct{ got [][]byte }

func (f *fakeVerifier) Verify(_ context.Context, pdf []byte) *verifier.Report {
	f.got = append(f.got, pdf)
	signed := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	until := time.Date(2027, 2, 25, 2, 0, 0, 0, time.UTC)
	rep := &verifier.Report{
		Signatures: []verifier.SignatureReport{{
			Algorithm: "SM2-SM3", Signer: "示范市社会保险事业管理中心 业务专用章", Issuer: "sihub Issuing CA",
			IntegrityValid: true, CoversWholeDocument: true, ChainTrusted: true, Revocation: verifier.RevocationNotChecked,
			SignedAt: &signed, Level: "B-B", Valid: true, Errors: []verifier.Problem{},
		}},
		Document: verifier.DocumentReport{Code: validCode, Number: "CB2026000001", RegistryStatus: verifier.RegistryValid,
			Kind: "insurance-certificate", SubjectMasked: "110105********1239", ValidUntil: &until, SHA256: "ab12"},
		Errors: []verifier.Problem{},
		Valid:  true,
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-good")) {
		rep.Valid = false
		rep.Signatures[0].Valid = false
		rep.Signatures[0].CoversWholeDocument = false
		rep.Signatures[0].ModifiedAfterSigning = true
		rep.Signatures[0].Errors = []verifier.Problem{{Code: verifier.ReasonModifiedAfterSigning, Message: "revision 2 changed objects 5"}}
		rep.Errors = []verifier.Problem{{Code: verifier.ReasonNotWholeDocument, Message: "120 bytes after the signed range"}}
	}
	return rep
}

func multipartBody(t *testing.T, fields map[string]string, file []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("file", "证明.pdf")
		fw.Write(file)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func (b *browser) upload(path string, fields map[string]string, file []byte) resp {
	b.e.t.Helper()
	body, ct := multipartBody(b.e.t, fields, file)
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, body)
	req.Header.Set("Content-Type", ct)
	return b.do(req)
}

func withVerifier(v *fakeVerifier) func(*Config, *Deps) {
	return func(c *Config, d *Deps) { d.Verifier = v }
}

func TestVerifyUploadPage(t *testing.T) {
	fv := &fakeVerifier{}
	e := newEnv(t, withVerifier(fv))
	b := e.browser()
	tok := b.csrf("/verify")
	good := b.upload("/verify", map[string]string{"csrf": tok}, []byte("%PDF-good sealed"))
	if good.StatusCode != 200 || !strings.Contains(good.Body, `<p class="verdict-line">可以信任：这份参保证明由社会保险经办机构签发，未被篡改，印章有效</p>`) {
		t.Fatalf("good file: %d\n%s", good.StatusCode, good.Body)
	}
	for _, want := range []string{"SM2 / SM3（国密算法）", "业务专用章", "盖章后文件未被修改", "7KQ4M2-XW9PTA-HC3R8F", "110105********1239", "2026-11-27 10:00", "PAdES B-B（基础签名）"} {
		if !strings.Contains(good.Body, want) {
			t.Errorf("good verdict lacks %q", want)
		}
	}
	bad := b.upload("/verify", map[string]string{"csrf": tok}, []byte("%PDF-1.7 tampered"))
	if bad.StatusCode != 200 || !strings.Contains(bad.Body, `<p class="verdict-line">不要信任：文件在盖章后被修改</p>`) ||
		!strings.Contains(bad.Body, "文件末尾有未被印章覆盖的内容") || !strings.Contains(bad.Body, "盖章后文件又被修改过") ||
		!strings.Contains(bad.Body, "签名未覆盖整个文件") {
		t.Fatalf("tampered file: %d\n%s", bad.StatusCode, bad.Body)
	}
	if strings.Contains(bad.Body, "revision 2 changed objects") {
		t.Error("page shows the verifier's English detail instead of Chinese")
	}
	if len(fv.got) != 2 || string(fv.got[0]) != "%PDF-good sealed" {
		t.Fatalf("verifier got %q", fv.got)
	}
	if got := e.audit.find(actionVerify, ""); len(got) != 2 || got[0].Outcome != "ok" || got[1].Outcome != "invalid" ||
		got[1].Detail != "upload: not_whole_document,modified_after_signing" {
		t.Fatalf("audit: %+v", got)
	}
}

func TestVerifyUploadNeedsCSRFAndFile(t *testing.T) {
	fv := &fakeVerifier{}
	e := newEnv(t, withVerifier(fv))
	b := e.browser()
	tok := b.csrf("/verify")
	if r := b.upload("/verify", nil, []byte("%PDF-good")); r.StatusCode != http.StatusForbidden {
		t.Fatalf("no token: %d", r.StatusCode)
	}
	if r := b.upload("/verify", map[string]string{"csrf": tok}, nil); r.StatusCode != http.StatusBadRequest ||
		!strings.Contains(r.Body, "请选择要验证的 PDF 文件") {
		t.Fatalf("no file: %d", r.StatusCode)
	}
	if len(fv.got) != 0 {
		t.Fatal("verifier called")
	}
}

func TestUploadSizeCap(t *testing.T) {
	fv := &fakeVerifier{}
	e := newEnv(t, withVerifier(fv)) // MaxUploadBytes 64 KiB
	b := e.browser()
	tok := b.csrf("/verify")
	atLimit := append([]byte("%PDF-good"), bytes.Repeat([]byte{' '}, int(e.cfg.MaxUploadBytes)-9)...)
	if r := b.upload("/verify", map[string]string{"csrf": tok}, atLimit); r.StatusCode != 200 {
		t.Fatalf("file at the limit: %d", r.StatusCode)
	}
	over := append(atLimit, 'x')
	r := b.upload("/verify", map[string]string{"csrf": tok}, over)
	if r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "64 KB") {
		t.Fatalf("one byte over: %d\n%s", r.StatusCode, r.Body)
	}
	huge := bytes.Repeat([]byte{'x'}, int(e.cfg.MaxUploadBytes)*3)
	r = b.upload("/api/v1/verify", nil, huge)
	var er struct{ Error struct{ Code string } }
	if r.StatusCode != http.StatusRequestEntityTooLarge || json.Unmarshal([]byte(r.Body), &er) != nil || er.Error.Code != "too_large" {
		t.Fatalf("API, 3× the limit: %d %s", r.StatusCode, r.Body)
	}
	// The same without a declared length (chunked): the capped reader stops it.
	body, ct := multipartBody(t, nil, huge)
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/verify", io.MultiReader(body))
	req.Header.Set("Content-Type", ct)
	if r := b.do(req); r.StatusCode != http.StatusRequestEntityTooLarge || req.ContentLength != 0 {
		t.Fatalf("chunked, 3× the limit: %d (content length %d) %s", r.StatusCode, req.ContentLength, r.Body)
	}
	if len(fv.got) != 1 {
		t.Fatalf("verifier saw %d files", len(fv.got))
	}
	// A form post to a page route is capped far lower.
	big := strings.Repeat("a", maxFormBytes+1)
	r = b.post("/login", map[string][]string{"login": {big}})
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized login form: %d", r.StatusCode)
	}
}

func TestAPIVerifyUpload(t *testing.T) {
	fv := &fakeVerifier{}
	e := newEnv(t, withVerifier(fv))
	r := e.browser().upload("/api/v1/verify", nil, []byte("%PDF-1.7 tampered"))
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"valid", "signatures", "document", "errors"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	if m["valid"] != false || m["document"].(map[string]any)["registry_status"] != "valid" ||
		m["errors"].([]any)[0].(map[string]any)["code"] != "not_whole_document" {
		t.Fatalf("report %s", r.Body)
	}
	sig := m["signatures"].([]any)[0].(map[string]any)
	for _, k := range []string{"algorithm", "signer", "covers_whole_document", "chain_trusted", "revocation", "modified_after_signing", "signed_at", "errors"} {
		if _, ok := sig[k]; !ok {
			t.Errorf("signature lacks %q", k)
		}
	}
	if got := e.audit.find(actionVerify, "invalid"); len(got) != 1 || got[0].Actor != "api" {
		t.Fatalf("audit %+v", got)
	}
	noFile := e.browser().upload("/api/v1/verify", map[string]string{"x": "y"}, nil)
	if noFile.StatusCode != 400 || !strings.Contains(noFile.Body, `"bad_request"`) {
		t.Fatalf("no file: %d %s", noFile.StatusCode, noFile.Body)
	}
	// Without a verifier: 503, as JSON.
	r = newEnv(t).browser().upload("/api/v1/verify", nil, []byte("%PDF-good"))
	if r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(r.Body, `"unavailable"`) {
		t.Fatalf("no verifier: %d %s", r.StatusCode, r.Body)
	}
}
