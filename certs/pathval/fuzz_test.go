package pathval

import (
	"bytes"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms/cmstest"
)

// FuzzVerify feeds arbitrary leaf DER to ParseCertificate, the validator
// and the extension parsers it runs, against a fixed SM2 chain and a DSA
// chain whose CA inherits its parameters: it must never panic, a parsed
// certificate keeps the DER as read, and any accepted leaf must chain to
// a root.
func FuzzVerify(f *testing.F) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p, err := cmstest.New("sm2", now)
	if err != nil {
		f.Fatal(err)
	}
	d := newInheritedFixture(f)
	f.Add(p.Leaf.Raw)
	f.Add(p.Intermediate.Raw)
	f.Add(p.Root.Raw)
	f.Add(d.leafDER)
	f.Add(d.ca.Raw)
	roots := []*smx509.Certificate{p.Root, d.root}
	inter := append(p.Chain(), d.ca)
	f.Fuzz(func(t *testing.T, der []byte) {
		leaf, err := ParseCertificate(der)
		if err != nil {
			return
		}
		if !bytes.Equal(leaf.Raw, der) || !bytes.Contains(der, leaf.RawTBSCertificate) {
			t.Fatal("parsed certificate does not keep the DER as read")
		}
		parseNameConstraints(leaf)
		parsePolicy(leaf)
		namesOf(leaf)
		res, err := Verify(leaf, Options{Roots: roots, Intermediates: inter, CurrentTime: now, AllowDSA: true})
		if err == nil && !res.Chain[len(res.Chain)-1].Equal(p.Root) && !res.Chain[len(res.Chain)-1].Equal(d.root) {
			t.Fatalf("accepted a path ending at %s", res.Chain[len(res.Chain)-1].Subject)
		}
	})
}
