package tsa

import (
	"context"
	"runtime"
	"testing"

	"sihub/internal/testutil"
)

// BenchmarkTimestamp answers DER requests (SHA-256 imprint, nonce,
// certReq) in parallel: parse, sign, encode.
func BenchmarkTimestamp(b *testing.B) {
	for _, alg := range algs {
		b.Run(string(alg), func(b *testing.B) {
			f := newFixture(b, alg)
			der, err := (&Request{Hash: SHA256, HashedMessage: imprintOf(SHA256, []byte("x")), CertReq: true}).Marshal()
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			cpu := testutil.StartCPU()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if out := f.a.Respond(ctx, der); len(out) < 100 {
						b.Error("rejected")
					}
				}
			})
			cpu.Report(b, runtime.NumCPU())
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}
