package ocsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/internal/pkitest"
	"sihub/hsm"
)

// TestOpenSSLSM2Response: OpenSSL 3.0 parses an SM2 response, and its SM2
// primitive (pkeyutl with distid 1234567812345678) accepts the signature
// over ResponseData; `openssl ocsp -verify` itself has no way to pass the
// SM2 signer ID.
func TestOpenSSLSM2Response(t *testing.T) {
	f := newFixture(t, hsm.SM2)
	req, _ := CreateRequest(f.h.TSA, f.h.Issuing, SM3, []byte("sm2-nonce-123456"))
	der, _ := f.r.Respond(t.Context(), req)
	dir := t.TempDir()
	respFile := filepath.Join(dir, "resp.der")
	if err := os.WriteFile(respFile, der, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := pkitest.OpenSSL(t, "ocsp", "-respin", respFile, "-resp_text", "-noverify")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, w := range []string{"Signature Algorithm: SM2-with-SM3", "Cert Status: revoked", "Reason: keyCompromise", "Hash Algorithm: sm3", "OCSP Nonce"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	tbs, sig := splitBasic(t, der)
	pub, err := smx509.MarshalPKIXPublicKey(f.h.OCSP.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"tbs.der": tbs, "sig.der": sig, "pub.der": pub}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err = pkitest.OpenSSL(t, "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", filepath.Join(dir, "pub.der"), "-rawin",
		"-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in", filepath.Join(dir, "tbs.der"), "-sigfile", filepath.Join(dir, "sig.der"))
	if err != nil || !strings.Contains(out, "Signature Verified Successfully") {
		t.Fatalf("openssl pkeyutl: %v\n%s", err, out)
	}
}
