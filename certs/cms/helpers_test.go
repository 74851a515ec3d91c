package cms

import (
	"crypto/rand"
	"testing"
	"time"

	"sihub/certs/cms/cmstest"
	"sihub/internal/testutil"
)

// testNow is the fixed clock of these tests.
var testNow = time.Date(2026, 3, 15, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

// testPKI returns a hierarchy for alg, created once per test binary.
func testPKI(t testing.TB, alg string) *cmstest.PKI {
	t.Helper()
	p, err := cmstest.Shared(alg, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// randomContent returns n random bytes.
func randomContent(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// corpora returns the shared corpora directory (beside the repository).
func corpora(t testing.TB) string { return testutil.Corpora(t) }

// signContent digests content with the key's digest and signs it.
func signContent(t testing.TB, p *cmstest.PKI, content []byte, mod func(*SignOptions)) []byte {
	t.Helper()
	d, err := DigestFor(p.LeafKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	h := d.New()
	h.Write(content)
	o := SignOptions{Signer: p.LeafKey, Certificate: p.Leaf, Chain: p.Chain(), SigningTime: testNow}
	if mod != nil {
		mod(&o)
	}
	der, err := SignDetached(h.Sum(nil), o)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// digestWith hashes content with the signer's digest algorithm.
func digestWith(t testing.TB, si *SignerInfo, content []byte) []byte {
	t.Helper()
	h, err := si.NewHash()
	if err != nil {
		t.Fatal(err)
	}
	h.Write(content)
	return h.Sum(nil)
}
