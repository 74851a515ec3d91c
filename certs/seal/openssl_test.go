package seal

import (
	"context"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"sihub/internal/testutil"
)

// OpenSSL 3, an independent SM2 implementation, verifies the maker's
// signature of our seals and the signer's signature of our SES_Signature
// (SM3 with signer ID 1234567812345678), and rejects them over changed data.
func TestOpenSSLVerifiesOurSignatures(t *testing.T) {
	testutil.NeedTool(t, "openssl")
	f := newFixture(t)
	s := f.make(t, nil)
	sig, err := Sign(context.Background(), SignRequest{
		Seal: s, DataHash: make([]byte, 32), PropertyInfo: "1",
		Clock: func() time.Time { return testNow },
	}, f.pki.LeafKey, f.pki.Leaf)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pubPEM := func(der []byte, name string) string {
		c, err := parseCertificate(der, name)
		if err != nil {
			t.Fatal(err)
		}
		return testutil.WriteFile(t, dir, name+".pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: c.RawSubjectPublicKeyInfo}))
	}
	for _, c := range []struct {
		name           string
		pub            string
		data, sigValue []byte
	}{
		{"seal", pubPEM(s.MakerCertificate, "maker"), s.RawInfo, s.SignedValue},
		{"signature", pubPEM(sig.SignerCertificate, "signer"), sig.RawTBS, sig.Value},
	} {
		t.Run(c.name, func(t *testing.T) {
			sigPath := testutil.WriteFile(t, dir, c.name+".sig", c.sigValue)
			for _, tc := range []struct {
				data []byte
				want string
			}{{c.data, "Verified OK"}, {flip(c.data, len(c.data)/2), "Verification failure"}} {
				data := testutil.WriteFile(t, dir, c.name+".data", tc.data)
				out, _ := testutil.Run(t, "openssl", "dgst", "-sm3", "-verify", c.pub,
					"-sigopt", "distid:1234567812345678", "-signature", sigPath, data)
				if !strings.Contains(out, tc.want) {
					t.Fatalf("openssl: %q, want %q", strings.TrimSpace(out), tc.want)
				}
			}
		})
	}
}
