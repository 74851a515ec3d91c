package cms

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sihub/certs/cms/cmstest"
)

// testNow is the fixed clock of these tests.
var testNow = time.Date(2026, 3, 15, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

var (
	pkiMu    sync.Mutex
	pkiCache = map[string]*cmstest.PKI{}
)

// testPKI returns a hierarchy for alg, created once per test binary.
func testPKI(t testing.TB, alg string) *cmstest.PKI {
	t.Helper()
	pkiMu.Lock()
	defer pkiMu.Unlock()
	if p, ok := pkiCache[alg]; ok {
		return p
	}
	p, err := cmstest.New(alg, testNow)
	if err != nil {
		t.Fatal(err)
	}
	pkiCache[alg] = p
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

// needTool returns the path of an external program. A missing program
// fails the test in CI and skips it elsewhere.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// corpora returns the shared corpora directory (beside the repository).
func corpora(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
	c := filepath.Join(dir, "..", "shared", "corpora")
	if _, err := os.Stat(c); err != nil {
		t.Fatalf("corpora: %v", err)
	}
	return c
}

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
