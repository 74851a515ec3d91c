package verifier

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

// BenchmarkVerifyCertificate verifies a sealed one-page certificate of
// about 100 KB (the size of a rendered insurance certificate with its
// subset font) on all cores, with the registry lookup in memory.
func BenchmarkVerifyCertificate(b *testing.B) {
	for _, alg := range []string{"sm2", "p256"} {
		b.Run(alg, func(b *testing.B) {
			pki := testPKI(b, alg)
			p := buildUnsigned(b, testDoc{code: testCode, number: testNumber, padding: 80 << 10}, testNow)
			pdf := fill(b, p, leafSigner(pki), testNow)
			v := New(Options{Roots: []*smx509.Certificate{pki.Root}, Registry: registryFor(pdf, "valid"), Now: func() time.Time { return testNow }})
			if r := v.Verify(context.Background(), pdf); !r.Valid {
				b.Fatalf("benchmark file not valid: %v", reasons(r))
			}
			b.SetBytes(int64(len(pdf)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if r := v.Verify(context.Background(), pdf); !r.Valid {
						b.Error("not valid")
						return
					}
				}
			})
			// CPU time per file: on a shared machine wall time says little
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// processCPU returns the user and system CPU time of the process in ns.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
