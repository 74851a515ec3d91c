package crlhttp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/certs/crl"
	"sihub/certs/internal/pkitest"
	"sihub/hsm"
)

type fixture struct {
	h      *pkitest.Hierarchy
	clk    *pkitest.Clock
	pub    *crl.Publisher
	serial string // the issuing CA's
}

// newFixture: a publisher of day-long CRLs, refreshed six hours before
// they end, for the test hierarchy's issuing CA and root.
func newFixture(t *testing.T, alg hsm.Algorithm) *fixture {
	t.Helper()
	f := &fixture{h: pkitest.New(t, alg), clk: pkitest.NewClock(pkitest.Now)}
	var err error
	f.pub, err = crl.NewPublisher(crl.NewMemorySource(), crl.PublisherConfig{
		Issuers:  []crl.Issuer{{Certificate: f.h.Issuing, Key: f.h.IssuingKey}, {Certificate: f.h.Root, Key: f.h.RootKey}},
		Now:      f.clk.Now,
		Validity: 24 * time.Hour, RefreshBefore: 6 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.serial = certs.SerialHex(f.h.Issuing.SerialNumber)
	return f
}

type failingSource struct{}

func (failingSource) Revoked(context.Context, string) ([]crl.Entry, error) {
	return nil, errors.New("database down")
}

func TestHandler(t *testing.T) {
	f := newFixture(t, hsm.P256)
	srv := httptest.NewServer(Handler(f.pub))
	defer srv.Close()
	get := func(method, path string) (*http.Response, []byte) {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	f.clk.Advance(time.Hour) // the CRL is built an hour into its life ...
	resp, body := get("GET", "/pki/crl/"+f.serial+".crl")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pkix-crl" {
		t.Fatalf("status %d type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rl, err := smx509.ParseRevocationList(body)
	if err != nil || rl.CheckSignatureFrom(f.h.Issuing) != nil {
		t.Fatalf("served CRL: %v", err)
	}
	if got, want := resp.Header.Get("Cache-Control"), "public, max-age="+strconv.Itoa(18*3600); got != want {
		t.Errorf("Cache-Control %q, want %q", got, want)
	}
	f.clk.Advance(2 * time.Hour) // ... and served again two hours later
	resp, _ = get("GET", "/pki/crl/"+f.serial+".crl")
	if got, want := resp.Header.Get("Cache-Control"), "public, max-age="+strconv.Itoa(16*3600); got != want {
		t.Errorf("Cache-Control %q, want %q", got, want)
	}
	if resp, body := get("HEAD", "/pki/crl/"+f.serial+".crl"); resp.StatusCode != 200 || len(body) != 0 {
		t.Errorf("HEAD: %d, %d bytes", resp.StatusCode, len(body))
	}
	for path, want := range map[string]int{
		"/pki/crl/abcdef.crl":            404,
		"/pki/crl/" + f.serial:           404,
		"/pki/crl/0" + f.serial + ".crl": 404,
		"/pki/crl/ABCDEF.crl":            404,
		"/pki/crl/" + f.serial + "00000000000000000000000000000000.crl": 404,
	} {
		if resp, _ := get("GET", path); resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	if resp, _ := get("POST", "/pki/crl/"+f.serial+".crl"); resp.StatusCode != 405 {
		t.Errorf("POST: %d", resp.StatusCode)
	}

	bad, err := crl.NewPublisher(failingSource{}, crl.PublisherConfig{Issuers: []crl.Issuer{{Certificate: f.h.Issuing, Key: f.h.IssuingKey}}, Now: f.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	Handler(bad).ServeHTTP(rec, httptest.NewRequest("GET", "/pki/crl/"+f.serial+".crl", nil))
	if rec.Code != 503 {
		t.Errorf("failing source: %d", rec.Code)
	}
}
