package pades

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sihub/internal/testutil"
	"strings"
	"testing"

	"sihub/certs/cms"
)

// openSSLTSA is a time-stamping authority run with `openssl ts -reply`.
type openSSLTSA struct {
	openssl, dir, cert, config string
}

func newOpenSSLTSA(t *testing.T) *openSSLTSA {
	t.Helper()
	a := &openSSLTSA{openssl: testutil.NeedTool(t, "openssl"), dir: t.TempDir()}
	a.cert = filepath.Join(a.dir, "tsa.pem")
	key := filepath.Join(a.dir, "tsa.key")
	if o, err := exec.Command(a.openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", key, "-out", a.cert, "-days", "30", "-subj", "/CN=sihub test TSA",
		"-addext", "extendedKeyUsage=critical,timeStamping", "-addext", "keyUsage=critical,digitalSignature").CombinedOutput(); err != nil {
		t.Fatalf("openssl req: %v\n%s", err, o)
	}
	a.config = filepath.Join(a.dir, "tsa.cnf")
	cfg := fmt.Sprintf(`[ tsa ]
default_tsa = tsa1
[ tsa1 ]
serial = %s
signer_cert = %s
signer_key = %s
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ess_cert_id_alg = sha256
ess_cert_id_chain = no
`, filepath.Join(a.dir, "serial"), a.cert, key)
	if err := os.WriteFile(a.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(a.dir, "serial"), []byte("01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return a
}

// stamp returns a TimeStampToken over data.
func (a *openSSLTSA) stamp(data []byte) ([]byte, error) {
	in := filepath.Join(a.dir, "data.bin")
	q := filepath.Join(a.dir, "q.tsq")
	tok := filepath.Join(a.dir, "token.der")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	if o, err := exec.Command(a.openssl, "ts", "-query", "-data", in, "-sha256", "-cert", "-out", q).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ts -query: %v: %s", err, o)
	}
	if o, err := exec.Command(a.openssl, "ts", "-reply", "-config", a.config, "-queryfile", q, "-token_out", "-out", tok).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ts -reply: %v: %s", err, o)
	}
	return os.ReadFile(tok)
}

// TestSealWithTimeStamp embeds a real RFC 3161 token (from OpenSSL's TSA)
// over each signature value and checks it with our parser and OpenSSL.
func TestSealWithTimeStamp(t *testing.T) {
	tsa := newOpenSSLTSA(t)
	for _, alg := range []string{"sm2", "p256"} {
		t.Run(alg, func(t *testing.T) {
			p := testPDF(20000, 0, DefaultContentsLen, SigInfo{Name: "seal", Time: testNow})
			s := sealerFor(t, alg, "seal")
			calls := 0
			s.TimeStamp = func(sig []byte) ([]byte, error) { calls++; return tsa.stamp(sig) }
			out, err := Seal(p, []Sealer{s})
			if err != nil {
				t.Fatal(err)
			}
			if calls != 1 {
				t.Fatalf("TimeStamp called %d times", calls)
			}
			sig := readSignatures(t, out)[0]
			if err := sig.verify(t, out); err != nil {
				t.Fatal(err)
			}
			si := sig.sd.Signers[0]
			attr, ok := si.UnsignedAttribute(cms.OIDAttributeTimeStampToken)
			if !ok || len(attr.Values) != 1 {
				t.Fatal("no signature time-stamp attribute")
			}
			tok, err := cms.Parse(attr.Values[0])
			if err != nil {
				t.Fatal(err)
			}
			if !tok.ContentType.Equal(cms.OIDTSTInfo) || len(tok.Signers) != 1 {
				t.Fatalf("token content %s, %d signers", tok.ContentType, len(tok.Signers))
			}
			if err := tok.Signers[0].VerifyContent(tok.Content); err != nil {
				t.Errorf("token signature: %v", err)
			}
			imprint := sha256.Sum256(si.Signature)
			if !bytes.Contains(tok.Content, imprint[:]) {
				t.Error("the token's imprint is not SHA-256 of the signature value")
			}
			dir := t.TempDir()
			sigFile := write(t, dir, "sig.bin", si.Signature)
			tokFile := write(t, dir, "tok.der", attr.Values[0])
			o, err := exec.Command(tsa.openssl, "ts", "-verify", "-data", sigFile, "-in", tokFile, "-token_in", "-CAfile", tsa.cert).CombinedOutput()
			if err != nil || !strings.Contains(string(o), "Verification: OK") {
				t.Errorf("openssl ts -verify: %v\n%s", err, o)
			}
			checkQPDF(t, out)
			checkPdfsig(t, out, []signature{sig}, []string{alg})
		})
	}
	t.Run("failing TSA", func(t *testing.T) {
		s := sealerFor(t, "p256", "seal")
		s.TimeStamp = func([]byte) ([]byte, error) { return nil, fmt.Errorf("TSA unreachable") }
		if out, err := Seal(testPDF(2000, 0, DefaultContentsLen, SigInfo{Time: testNow}), []Sealer{s}); err == nil || out != nil {
			t.Errorf("Seal = %d bytes, %v; want nil and an error", len(out), err)
		}
		s.TimeStamp = func([]byte) ([]byte, error) { return []byte{0x30, 0x05, 0x01}, nil }
		if out, err := Seal(testPDF(2000, 0, DefaultContentsLen, SigInfo{Time: testNow}), []Sealer{s}); err == nil || out != nil {
			t.Errorf("malformed token: Seal = %d bytes, %v; want nil and an error", len(out), err)
		}
	})
}
