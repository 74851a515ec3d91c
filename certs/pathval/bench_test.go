package pathval

import (
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms/cmstest"
)

// BenchmarkVerifyChain validates a root → CA → leaf chain per iteration.
func BenchmarkVerifyChain(b *testing.B) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, alg := range []string{"sm2", "p256"} {
		b.Run(alg, func(b *testing.B) {
			p, err := cmstest.New(alg, now)
			if err != nil {
				b.Fatal(err)
			}
			opts := Options{Roots: []*smx509.Certificate{p.Root}, Intermediates: p.Chain(), CurrentTime: now}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Verify(p.Leaf, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
