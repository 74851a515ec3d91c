package verifier

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

// BenchmarkVerifyCertificate verifies a rendered and sealed one-page
// insurance certificate on all cores, with the registry lookup in memory.
func BenchmarkVerifyCertificate(b *testing.B) {
	for _, alg := range []string{"sm2", "p256"} {
		b.Run(alg, func(b *testing.B) {
			pki := testPKI(b, alg)
			pdf := renderedCertificate(b, alg)
			v := New(Options{Roots: []*smx509.Certificate{pki.Root}, Registry: renderedRegistry(pdf), Now: func() time.Time { return testNow }})
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

// BenchmarkVerifyThreeSeals verifies a certificate with three seals in
// three revisions (p256, sm2, p256): the revision analysis runs.
func BenchmarkVerifyThreeSeals(b *testing.B) {
	algs := []string{"p256", "sm2", "p256"}
	pdf := renderedCertificate(b, algs...)
	v := New(Options{Roots: []*smx509.Certificate{testPKI(b, "p256").Root, testPKI(b, "sm2").Root}, Now: func() time.Time { return testNow }})
	if r := v.Verify(context.Background(), pdf); !r.Valid {
		b.Fatalf("benchmark file not valid: %v", reasons(r))
	}
	b.SetBytes(int64(len(pdf)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		if r := v.Verify(context.Background(), pdf); !r.Valid {
			b.Fatal("not valid")
		}
	}
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}

// processCPU returns the user and system CPU time of the process in ns.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
