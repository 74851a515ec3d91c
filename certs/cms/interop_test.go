package cms

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

	"github.com/emmansun/gmsm/pkcs7"
	"github.com/emmansun/gmsm/smx509"
)

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func certPEM(certs ...*smx509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

func run(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(testutil.NeedTool(t, name), args...).CombinedOutput()
	return string(out), err
}

// TestOpenSSLVerifiesSM2 checks an SM2 SignedData with OpenSSL 3 as an
// independent implementation: the SM2 signature over the signed attributes
// (re-tagged as SET) with the default signer ID, and SM3 of the content
// against messageDigest. `openssl cms -verify` cannot set the SM2 ID.
func TestOpenSSLVerifiesSM2(t *testing.T) {
	p := testPKI(t, "sm2")
	dir := t.TempDir()
	content := randomContent(t, 20000)
	der := signContent(t, p, content, nil)
	sd, err := Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	si := sd.Signers[0]
	pubDER, err := smx509.MarshalPKIXPublicKey(p.LeafKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	pub := writeFile(t, filepath.Join(dir, "pub.pem"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	attrs := writeFile(t, filepath.Join(dir, "signedattrs.der"), si.SignedAttributes)
	sig := writeFile(t, filepath.Join(dir, "sig.der"), si.Signature)
	out, err := run(t, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-digest", "sm3",
		"-pkeyopt", "distid:1234567812345678", "-in", attrs, "-sigfile", sig)
	if err != nil || !strings.Contains(out, "Signature Verified Successfully") {
		t.Fatalf("openssl pkeyutl -verify: %v\n%s", err, out)
	}
	// The same check must fail for other bytes, or it proves nothing.
	tampered := bytes.Clone(si.SignedAttributes)
	tampered[len(tampered)-1] ^= 1
	attrs2 := writeFile(t, filepath.Join(dir, "tampered.der"), tampered)
	if out, err := run(t, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-digest", "sm3",
		"-pkeyopt", "distid:1234567812345678", "-in", attrs2, "-sigfile", sig); err == nil {
		t.Fatalf("openssl accepted tampered attributes:\n%s", out)
	}

	cf := writeFile(t, filepath.Join(dir, "content.bin"), content)
	out, err = run(t, "openssl", "dgst", "-sm3", "-r", cf)
	if err != nil {
		t.Fatalf("openssl dgst: %v\n%s", err, out)
	}
	if got := strings.Fields(out)[0]; got != hex.EncodeToString(si.MessageDigest) {
		t.Errorf("openssl SM3 %s, messageDigest %x", got, si.MessageDigest)
	}

	// The embedded chain, link by link: OpenSSL 3.0 applies -vfyopt distid
	// to the first signature checked only.
	inter := writeFile(t, filepath.Join(dir, "inter.pem"), certPEM(sd.Certificates[1]))
	root := writeFile(t, filepath.Join(dir, "root.pem"), certPEM(p.Root))
	leaf := writeFile(t, filepath.Join(dir, "leaf.pem"), certPEM(sd.Certificates[0]))
	if out, err := run(t, "openssl", "verify", "-vfyopt", "distid:1234567812345678", "-CAfile", root, inter); err != nil {
		t.Errorf("openssl verify of the intermediate: %v\n%s", err, out)
	}
	if out, err := run(t, "openssl", "verify", "-vfyopt", "distid:1234567812345678", "-partial_chain", "-CAfile", inter, leaf); err != nil {
		t.Errorf("openssl verify of the leaf: %v\n%s", err, out)
	}
}

// TestGmsmPKCS7AcceptsSM2 checks our SM2 SignedData with gmsm's own
// pkcs7 parser and verifier.
func TestGmsmPKCS7AcceptsSM2(t *testing.T) {
	p := testPKI(t, "sm2")
	content := randomContent(t, 3000)
	der := signContent(t, p, content, nil)
	p7, err := pkcs7.Parse(der)
	if err != nil {
		t.Fatalf("gmsm pkcs7.Parse: %v", err)
	}
	if len(p7.Certificates) != 2 || p7.GetOnlySigner() == nil || !p7.GetOnlySigner().Equal(p.Leaf) {
		t.Fatal("gmsm does not find our signer certificate")
	}
	sd, _ := Parse(der)
	p7.Content = digestWith(t, sd.Signers[0], content)
	if err := p7.VerifyAsDigest(); err != nil {
		t.Fatalf("gmsm VerifyAsDigest: %v", err)
	}
	p7.Content = bytes.Clone(p7.Content)
	p7.Content[0] ^= 1
	if err := p7.VerifyAsDigest(); err == nil {
		t.Fatal("gmsm accepted a wrong digest; the check above proves nothing")
	}
}

// TestOpenSSLCMSVerifiesECDSA runs `openssl cms -verify` on a P-256
// SignedData with the detached content and the test root as trust anchor
// (OpenSSL also checks the ESS signingCertificateV2 attribute).
func TestOpenSSLCMSVerifiesECDSA(t *testing.T) {
	for _, alg := range []string{"p256", "rsa"} {
		t.Run(alg, func(t *testing.T) {
			p := testPKI(t, alg)
			dir := t.TempDir()
			content := randomContent(t, 10000)
			der := signContent(t, p, content, nil)
			sig := writeFile(t, filepath.Join(dir, "sig.p7s"), der)
			cf := writeFile(t, filepath.Join(dir, "content.bin"), content)
			root := writeFile(t, filepath.Join(dir, "root.pem"), certPEM(p.Root))
			args := []string{"cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-CAfile", root, "-purpose", "any", "-out", os.DevNull}
			out, err := run(t, "openssl", append(args, "-content", cf)...)
			if err != nil || !strings.Contains(out, "Verification successful") {
				t.Fatalf("openssl cms -verify: %v\n%s", err, out)
			}
			content[100] ^= 1
			cf2 := writeFile(t, filepath.Join(dir, "content2.bin"), content)
			if out, err := run(t, "openssl", append(args, "-content", cf2)...); err == nil {
				t.Fatalf("openssl accepted changed content:\n%s", out)
			}
		})
	}
}
