package pades

import (
	"bytes"
	"encoding/hex"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"sihub/internal/testutil"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/smx509"
)

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	f := filepath.Join(dir, name)
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func certsPEM(cs ...*smx509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range cs {
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// TestOpenSSLChecksSealedSM2 checks both SM2 signatures of a sealed file
// with OpenSSL 3: SM3 of the byte ranges equals messageDigest, and the
// SM2 signature (ID 1234567812345678) over the signed attributes verifies.
func TestOpenSSLChecksSealedSM2(t *testing.T) {
	openssl := testutil.NeedTool(t, "openssl")
	_, ss, out := sealed(t, []string{"sm2", "sm2"})
	dir := t.TempDir()
	pubDER, err := smx509.MarshalPKIXPublicKey(ss[0].Key.Public())
	if err != nil {
		t.Fatal(err)
	}
	pub := write(t, dir, "pub.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	for i, s := range readSignatures(t, out) {
		si := s.sd.Signers[0]
		ranges := write(t, dir, "ranges.bin", s.signedBytes(out))
		dg, err := exec.Command(openssl, "dgst", "-sm3", "-r", ranges).CombinedOutput()
		if err != nil {
			t.Fatalf("openssl dgst: %v\n%s", err, dg)
		}
		if got := strings.Fields(string(dg))[0]; got != hex.EncodeToString(si.MessageDigest) {
			t.Errorf("signature %d: openssl SM3 of the ranges %s, messageDigest %x", i+1, got, si.MessageDigest)
		}
		attrs := write(t, dir, "signedattrs.der", si.SignedAttributes)
		sig := write(t, dir, "sig.der", si.Signature)
		v, err := exec.Command(openssl, "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-digest", "sm3",
			"-pkeyopt", "distid:1234567812345678", "-in", attrs, "-sigfile", sig).CombinedOutput()
		if err != nil || !strings.Contains(string(v), "Signature Verified Successfully") {
			t.Errorf("signature %d: openssl pkeyutl -verify: %v\n%s", i+1, err, v)
		}
	}
}

// TestOpenSSLChecksSealedP256 runs `openssl cms -verify` on each P-256
// signature of a sealed file, with its byte ranges as detached content and
// the test root as the only trust anchor.
func TestOpenSSLChecksSealedP256(t *testing.T) {
	openssl := testutil.NeedTool(t, "openssl")
	_, _, out := sealed(t, []string{"p256", "p256"})
	dir := t.TempDir()
	root := write(t, dir, "root.pem", certsPEM(testPKI(t, "p256").Root))
	for i, s := range readSignatures(t, out) {
		p7 := write(t, dir, "sig.p7s", s.sd.Raw)
		ranges := write(t, dir, "ranges.bin", s.signedBytes(out))
		v, err := exec.Command(openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", p7, "-content", ranges,
			"-CAfile", root, "-purpose", "any", "-out", os.DevNull).CombinedOutput()
		if err != nil || !strings.Contains(string(v), "Verification successful") {
			t.Errorf("signature %d: openssl cms -verify: %v\n%s", i+1, err, v)
		}
	}
}

// TestPdfsigTrustsSealedP256: with the test root in an NSS database,
// poppler also reports the chain trusted.
func TestPdfsigTrustsSealedP256(t *testing.T) {
	pdfsig := testutil.NeedTool(t, "pdfsig")
	certutil := testutil.NeedTool(t, "certutil")
	_, _, out := sealed(t, []string{"p256"})
	dir := t.TempDir()
	db := filepath.Join(dir, "nss")
	if err := os.Mkdir(db, 0o700); err != nil {
		t.Fatal(err)
	}
	root := write(t, dir, "root.pem", certsPEM(testPKI(t, "p256").Root))
	for _, args := range [][]string{
		{"-N", "-d", "sql:" + db, "--empty-password"},
		{"-A", "-d", "sql:" + db, "-n", "sihub test root", "-t", "CT,C,C", "-a", "-i", root},
	} {
		if o, err := exec.Command(certutil, args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %v: %v\n%s", args, err, o)
		}
	}
	f := write(t, dir, "sealed.pdf", out)
	o, _ := exec.Command(pdfsig, "-nssdir", "sql:"+db, f).CombinedOutput()
	for _, want := range []string{"Signature is Valid.", "Total document signed", "Certificate is Trusted."} {
		if !strings.Contains(string(o), want) {
			t.Errorf("pdfsig: want %q in\n%s", want, o)
		}
	}
}
