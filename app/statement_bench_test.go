package app

import (
	"context"
	"testing"

	"sihub/internal/testutil"
	"sihub/signer"
)

// BenchmarkIssueStatement measures a whole issuance of the demo person's
// four-page yearly rights statement: read the records, compute the
// account, render, seal, store and audit — per document, on all cores.
func BenchmarkIssueStatement(b *testing.B) {
	for _, alg := range []string{"sm2", "p256"} {
		b.Run(alg, func(b *testing.B) {
			a := benchApp(b)
			ctx := context.Background()
			year := a.Config.Now().Year() - 1
			req := signer.IssueRequest{Kind: signer.KindRightsRecord, Subject: DemoPersonID, Year: year, Algorithms: []string{alg}, Actor: "bench"}
			if _, err := a.Issuer.Issue(ctx, req); err != nil { // warm up: font, keys
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := testutil.StartCPU()
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := a.Issuer.Issue(ctx, req); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
			cpu.Report(b, 2)
		})
	}
}
