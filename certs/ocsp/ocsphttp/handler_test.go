package ocsphttp

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"sihub/certs/ocsp"
	"sihub/hsm"
)

func TestHandler(t *testing.T) {
	f := newFixture(t, hsm.SM2)
	srv := httptest.NewServer(Handler(f.r, "/pki/ocsp/"))
	defer srv.Close()
	do := func(req *http.Request) (*http.Response, []byte) {
		t.Helper()
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	post := func(ct string, body []byte) (*http.Response, []byte) {
		req, _ := http.NewRequest("POST", srv.URL+"/pki/ocsp/", bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		return do(req)
	}
	get := func(path string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		return do(req)
	}

	withNonce, _ := ocsp.CreateRequest(f.h.Seal, f.h.Issuing, ocsp.SM3, []byte("n1"))
	resp, body := post("application/ocsp-request", withNonce)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/ocsp-response" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("POST: %d %v", resp.StatusCode, resp.Header)
	}
	if r, err := ocsp.ParseResponse(body, f.h.Issuing); err != nil || r.Responses[0].Status.State != ocsp.Good {
		t.Fatalf("POST answer: %v", err)
	}

	// GET: url-encoded standard base64 (with '/' and '+' escaped or not).
	noNonce, _ := ocsp.CreateRequest(f.h.TSA, f.h.Issuing, ocsp.SHA1, nil)
	b64 := base64.StdEncoding.EncodeToString(noNonce)
	for _, path := range []string{"/pki/ocsp/" + url.PathEscape(b64), "/pki/ocsp/" + url.QueryEscape(b64)} {
		resp, body = get(path)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		r, err := ocsp.ParseResponse(body, f.h.Issuing)
		if err != nil || r.Responses[0].Status.State != ocsp.Revoked {
			t.Fatalf("GET answer: %v", err)
		}
		if got, want := resp.Header.Get("Cache-Control"), "public, no-transform, must-revalidate, max-age=3600"; got != want {
			t.Errorf("Cache-Control %q, want %q", got, want)
		}
	}
	// A GET that is not base64 is a malformedRequest answer.
	resp, body = get("/pki/ocsp/not*base64")
	if resp.StatusCode != 200 || !bytes.Equal(body, ocsp.ErrorResponse(ocsp.MalformedRequest)) {
		t.Errorf("bad GET: %d %x", resp.StatusCode, body)
	}

	if resp, _ := post("text/plain", withNonce); resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("wrong media type: %d", resp.StatusCode)
	}
	if resp, _ := post("application/ocsp-request", make([]byte, ocsp.DefaultMaxRequestSize+1)); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("large body: %d", resp.StatusCode)
	}
	if resp, _ := get("/pki/ocsp/" + strings.Repeat("A", 64<<10)); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("long GET: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("PUT", srv.URL+"/pki/ocsp/", nil)
	if resp, _ := do(req); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d", resp.StatusCode)
	}
}
