package ocsp

import (
	"context"
	"crypto/rand"
	"runtime"
	"testing"

	"sihub/internal/testutil"
)

// BenchmarkOCSP answers requests in parallel: "nonce" signs each response
// (a fresh nonce per request), "cached" answers a request without a nonce
// from the pre-signed cache.
func BenchmarkOCSP(b *testing.B) {
	for _, alg := range algs {
		for _, mode := range []string{"nonce", "cached"} {
			b.Run(string(alg)+"/"+mode, func(b *testing.B) {
				f := newFixture(b, alg)
				var reqs [][]byte
				for range 64 {
					var nonce []byte
					if mode == "nonce" {
						nonce = make([]byte, 16)
						rand.Read(nonce)
					}
					der, err := CreateRequest(f.h.Seal, f.h.Issuing, SHA1, nonce)
					if err != nil {
						b.Fatal(err)
					}
					reqs = append(reqs, der)
				}
				ctx := context.Background()
				if mode == "cached" {
					f.r.Respond(ctx, reqs[0]) // pre-signed
				}
				b.ReportAllocs()
				b.ResetTimer()
				cpu := testutil.StartCPU()
				b.RunParallel(func(pb *testing.PB) {
					i := 0
					for pb.Next() {
						if _, res := f.r.Respond(ctx, reqs[i%len(reqs)]); res.Status != Successful {
							b.Error(res.Status)
						}
						i++
					}
				})
				cpu.Report(b, runtime.NumCPU())
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "responses/s")
			})
		}
	}
}
