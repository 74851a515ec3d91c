package app

import (
	"crypto/elliptic"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/emmansun/gmsm/smx509"
)

// TestRootBundle: GET /pki/roots.pem gives the instance's roots, both
// algorithms, as PEM an institution can hand to sihub-verify.
func TestRootBundle(t *testing.T) {
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	rec := httptest.NewRecorder()
	a.PKIServices.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/pki/roots.pem", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/x-pem-file" {
		t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	rest := rec.Body.Bytes()
	curves := map[string]bool{}
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		c, err := smx509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if !c.IsCA || string(c.RawIssuer) != string(c.RawSubject) {
			t.Errorf("%s in the root bundle is not a root", c.Subject)
		}
		if k, ok := c.PublicKey.(interface{ Params() *elliptic.CurveParams }); ok {
			curves[k.Params().Name] = true
		}
	}
	if len(curves) != 2 {
		t.Fatalf("curves of the roots: %v, want the SM2 and the P-256 root", curves)
	}
	rec = httptest.NewRecorder()
	a.PKIServices.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/pki/roots.pem", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", rec.Code)
	}
}
