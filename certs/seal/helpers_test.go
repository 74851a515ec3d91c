package seal

import (
	"bytes"
	"context"
	"crypto"
	"os"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms/cmstest"
	"sihub/internal/testutil"
)

// testNow is the fixed clock of these tests.
var testNow = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// fixture is an SM2 hierarchy whose leaf is the seal certificate and a
// second leaf the seal maker's certificate.
type fixture struct {
	pki       *cmstest.PKI
	makerKey  crypto.Signer
	makerCert *smx509.Certificate
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	p, err := cmstest.New("sm2", testNow)
	if err != nil {
		t.Fatal(err)
	}
	k, err := cmstest.GenerateKey("sm2")
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.NewLeaf("sihub seal maker", k)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{pki: p, makerKey: k, makerCert: c}
}

func (f *fixture) request() MakeRequest {
	return MakeRequest{
		Design:          Design{Agency: "某某市社会保险事业管理中心", Name: "业务专用章", Code: "3301000012345"},
		SealCertificate: f.pki.Leaf,
		RegionCode:      "330100",
		Clock:           func() time.Time { return testNow },
	}
}

func (f *fixture) make(t testing.TB, mod func(*MakeRequest)) *Seal {
	t.Helper()
	req := f.request()
	if mod != nil {
		mod(&req)
	}
	s, err := Make(context.Background(), req, f.makerKey, f.makerCert)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sample reads a reference file from the shared corpus.
func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(testutil.Corpora(t, "crypto", "sm", "ofdrw", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustMarshal(t testing.TB, s *Seal) []byte {
	t.Helper()
	der, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// flip returns a copy of b with the byte at i changed.
func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x01
	return c
}
