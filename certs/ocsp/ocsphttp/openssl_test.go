package ocsphttp

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/internal/pkitest"
	"sihub/hsm"
)

// The responder's clock stands at 2026-03-01 09:00 UTC (-attime checks the
// chain then); openssl compares thisUpdate and nextUpdate with the real
// clock, so the tolerance covers the distance.
const validityTolerance = "315360000" // ten years

// TestOpenSSLOCSP runs `openssl ocsp` against Handler on loopback for
// the P-256 hierarchy: good, revoked (time and reason), unknown, with and
// without a nonce, SHA-1 and SHA-256 CertIDs.
func TestOpenSSLOCSP(t *testing.T) {
	f := newFixture(t, hsm.P256)
	srv := httptest.NewServer(Handler(f.r, "/pki/ocsp/"))
	defer srv.Close()
	dir := t.TempDir()
	issuing := pkitest.WritePEM(t, dir, "issuing", f.h.Issuing)
	root := pkitest.WritePEM(t, dir, "root", f.h.Root)
	cases := []struct {
		name  string
		cert  *smx509.Certificate
		extra []string
		want  []string
	}{
		{"good", f.h.Seal, nil, []string{": good", "Response verify OK", "Nonce"}},
		{"good-sha256", f.h.Seal, []string{"-sha256"}, []string{": good", "Response verify OK", "Hash Algorithm: sha256"}},
		{"revoked", f.h.TSA, nil, []string{": revoked", "Reason: keyCompromise", "Revocation Time: Mar  1 08:30:00 2026 GMT", "Response verify OK"}},
		{"unknown", f.h.OCSP, nil, []string{": unknown", "Response verify OK"}},
		{"no-nonce", f.h.Seal, []string{"-no_nonce"}, []string{": good", "Response verify OK"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cert := pkitest.WritePEM(t, dir, c.name, c.cert)
			args := append(append([]string{"ocsp"}, c.extra...), "-issuer", issuing, "-cert", cert, "-url", srv.URL+"/pki/ocsp/",
				"-CAfile", root, "-resp_text", "-attime", "1772355600", "-validity_period", validityTolerance)
			out, err := pkitest.OpenSSL(t, args...)
			if err != nil {
				t.Fatalf("openssl ocsp: %v\n%s", err, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "WARNING") || strings.Contains(out, "rror") {
				t.Errorf("openssl complains:\n%s", out)
			}
			if c.name == "no-nonce" && strings.Contains(out, "OCSP Nonce") {
				t.Errorf("a nonce without one asked for:\n%s", out)
			}
		})
	}
	// The nonce openssl sent comes back: the request and response texts show
	// the same value.
	cert := pkitest.WritePEM(t, dir, "nonce", f.h.Seal)
	out, err := pkitest.OpenSSL(t, "ocsp", "-issuer", issuing, "-cert", cert, "-url", srv.URL+"/pki/ocsp/", "-CAfile", root,
		"-req_text", "-resp_text", "-attime", "1772355600", "-validity_period", validityTolerance)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	nonces := regexp.MustCompile(`OCSP Nonce: *\n *([0-9A-F]+)`).FindAllStringSubmatch(out, -1)
	if len(nonces) != 2 || nonces[0][1] != nonces[1][1] {
		t.Fatalf("nonces %v in:\n%s", nonces, out)
	}
}

// TestOpenSSLOCSPVerifySM2 records what `openssl ocsp` (3.0) does with an
// SM2 response: it checks the signature with an empty SM2 signer ID (the
// command cannot set one) and reports a signature failure, although
// pkeyutl with distid 1234567812345678 accepts the same bytes
// (TestOpenSSLSM2Response). If a future OpenSSL verifies it, this test
// fails and the package documentation should say so.
func TestOpenSSLOCSPVerifySM2(t *testing.T) {
	f := newFixture(t, hsm.SM2)
	srv := httptest.NewServer(Handler(f.r, "/pki/ocsp/"))
	defer srv.Close()
	dir := t.TempDir()
	issuing := pkitest.WritePEM(t, dir, "issuing", f.h.Issuing)
	out, _ := pkitest.OpenSSL(t, "ocsp", "-issuer", issuing, "-cert", pkitest.WritePEM(t, dir, "seal", f.h.Seal), "-url", srv.URL+"/pki/ocsp/",
		"-CAfile", pkitest.WritePEM(t, dir, "root", f.h.Root), "-verify_other", issuing, "-attime", "1772355600", "-validity_period", validityTolerance)
	t.Logf("openssl ocsp (SM2):\n%s", out)
	if strings.Contains(out, "Response verify OK") || !strings.Contains(out, "signature failure") {
		t.Fatal("OpenSSL's behaviour with SM2 OCSP responses changed; update the package documentation")
	}
	if !strings.Contains(out, ": good") {
		t.Fatalf("the status was not read:\n%s", out)
	}
}
