package pathval

import (
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms/cmstest"
)

// FuzzVerify feeds arbitrary leaf DER to the validator (and to the
// extension parsers it runs) against a fixed SM2 chain: it must never
// panic, and any accepted leaf must chain to the root.
func FuzzVerify(f *testing.F) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p, err := cmstest.New("sm2", now)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(p.Leaf.Raw)
	f.Add(p.Intermediate.Raw)
	f.Add(p.Root.Raw)
	f.Fuzz(func(t *testing.T, der []byte) {
		leaf, err := smx509.ParseCertificate(der)
		if err != nil {
			return
		}
		parseNameConstraints(leaf)
		parsePolicy(leaf)
		namesOf(leaf)
		res, err := Verify(leaf, Options{Roots: []*smx509.Certificate{p.Root}, Intermediates: p.Chain(), CurrentTime: now})
		if err == nil && !res.Chain[len(res.Chain)-1].Equal(p.Root) {
			t.Fatalf("accepted a path ending at %s", res.Chain[len(res.Chain)-1].Subject)
		}
	})
}
