package crl

import (
	"math/big"
	"runtime"
	"testing"
	"time"

	"sihub/certs/internal/pkitest"
	"sihub/internal/testutil"
)

// BenchmarkCRL100k builds and signs a CRL of 100,000 revoked serials
// (128-bit, a reason code on every other entry).
func BenchmarkCRL100k(b *testing.B) {
	for _, alg := range algs {
		b.Run(string(alg), func(b *testing.B) {
			h := pkitest.New(b, alg)
			entries := make([]Entry, 100_000)
			base := new(big.Int).Lsh(big.NewInt(1), 127)
			for i := range entries {
				entries[i] = Entry{Serial: new(big.Int).Add(base, big.NewInt(int64(i)*7919)), RevokedAt: pkitest.Now.Add(time.Duration(i) * time.Second),
					Reason: Reason(i % 2)}
			}
			tmpl := Template{Number: big.NewInt(1), ThisUpdate: pkitest.Now, NextUpdate: pkitest.Now.Add(24 * time.Hour)}
			b.ReportAllocs()
			var size int
			cpu := testutil.StartCPU()
			for b.Loop() {
				der, err := Build(Issuer{h.Issuing, h.IssuingKey}, entries, tmpl)
				if err != nil {
					b.Fatal(err)
				}
				size = len(der)
			}
			cpu.Report(b, runtime.NumCPU())
			b.ReportMetric(float64(size), "bytes/crl")
		})
	}
}
