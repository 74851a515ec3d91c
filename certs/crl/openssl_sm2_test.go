package crl

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sihub/certs/internal/pkitest"
	"sihub/hsm"
)

func b64lines(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 64 {
		out.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	return out.String() + s + "\n"
}

// TestOpenSSLCRLVerifySM2 records what OpenSSL 3.0 does with an SM2 CRL
// in `openssl crl -verify`: it verifies with an empty SM2 signer ID (the
// command has no -vfyopt), so a CRL signed with the standard ID
// 1234567812345678 is reported as failing. If a future OpenSSL verifies it,
// this test fails and the package doc should be updated.
func TestOpenSSLCRLVerifySM2(t *testing.T) {
	h := pkitest.New(t, hsm.SM2)
	dir := t.TempDir()
	f := filepath.Join(dir, "c.crl")
	if err := os.WriteFile(f, buildSample(t, h), 0o600); err != nil {
		t.Fatal(err)
	}
	ca := pkitest.WritePEM(t, dir, "issuing", h.Issuing)
	out, _ := pkitest.OpenSSL(t, "crl", "-inform", "DER", "-in", f, "-noout", "-verify", "-CAfile", ca)
	t.Logf("openssl crl -verify (SM2):\n%s", out)
	if strings.Contains(out, "verify OK") {
		t.Fatal("OpenSSL now verifies SM2 CRLs with the default signer ID; update the package documentation")
	}
}
