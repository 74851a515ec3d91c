package pades

import "testing"

// BenchmarkSeal seals a ~60 KB one-page PDF with one seal, in parallel.
func BenchmarkSeal(b *testing.B) {
	for _, alg := range []string{"sm2", "p256"} {
		b.Run(alg, func(b *testing.B) {
			p := testPDF(60000, 1, DefaultContentsLen, SigInfo{Name: "seal", Time: testNow})
			ss := []Sealer{sealerFor(b, alg, "seal")}
			b.SetBytes(int64(len(p.PDF)))
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := Seal(p, ss); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
