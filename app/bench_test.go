package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"

	"sihub/internal/testutil"
	"sihub/signer"
)

func benchApp(b *testing.B) *App {
	b.Helper()
	cfg := Defaults()
	cfg.DataDir = b.TempDir()
	a, err := Open(context.Background(), cfg, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return a
}

// BenchmarkIssueCertificate measures a whole issuance: read the records,
// render, seal, store and audit — per document, on all cores.
func BenchmarkIssueCertificate(b *testing.B) {
	benchIssue(b, func(a *App, alg string) signer.IssueRequest {
		return signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Algorithms: []string{alg}, Actor: "bench"}
	})
}

// benchIssue runs one issuance benchmark per algorithm and number of
// requests in flight for the request that req makes, with the collector
// settings `sihub serve` runs with (TuneGC).
func benchIssue(b *testing.B, req func(a *App, alg string) signer.IssueRequest) {
	percent, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1)
	debug.SetGCPercent(percent)
	TuneGC(os.Getenv)
	b.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })
	for _, alg := range []string{"sm2", "p256"} {
		// 8, 32 or 64 requests in flight (4, 16 or 32 per core): more
		// callers let the store's group commits take larger batches, and
		// keep the processors busy while a batch waits on the disk.
		for _, inflight := range []int{8, 32, 64} {
			b.Run(fmt.Sprintf("%s/inflight=%d", alg, inflight), func(b *testing.B) {
				a := benchApp(b)
				ctx := context.Background()
				r := req(a, alg)
				if _, err := a.Issuer.Issue(ctx, r); err != nil { // warm up: font, keys
					b.Fatal(err)
				}
				warmUp(b, a, r, inflight)
				b.ReportAllocs()
				b.ResetTimer()
				cpu := testutil.StartCPU()
				b.SetParallelism(max(1, inflight/runtime.GOMAXPROCS(0)))
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := a.Issuer.Issue(ctx, r); err != nil {
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
}

// warmDocs is how many documents a timed issuance run issues untimed
// first (fewer when the run itself is shorter).
const warmDocs = 2000

// warmUp issues min(b.N, warmDocs) documents with inflight callers before
// the timer starts, so that the rate measured is a running server's. A
// fresh process grows its heap to the collector's target (GOGC=400: five
// times the live heap) in its first thousands of documents, and every
// fresh page is a page fault, about 12 µs on this machine: a run of 3,000
// certificates took some 50,000 faults besides its set-up's, and 7,000
// more certificates only about 12,000 more (perf record, perf stat).
func warmUp(b *testing.B, a *App, r signer.IssueRequest, inflight int) {
	b.Helper()
	n := min(b.N, warmDocs)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, inflight)
	for range inflight {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				if _, err := a.Issuer.Issue(context.Background(), r); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkVerifyCertificate measures a full verification of a sealed
// certificate (structure, digest, CMS signature, chain, registry), on all cores.
func BenchmarkVerifyCertificate(b *testing.B) {
	for _, alg := range []string{"sm2", "p256"} {
		b.Run(alg, func(b *testing.B) {
			a := benchApp(b)
			ctx := context.Background()
			iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Algorithms: []string{alg}})
			if err != nil {
				b.Fatal(err)
			}
			if r := a.Verifier.Verify(ctx, iss.PDF); !r.Valid {
				b.Fatalf("fresh document not valid: %+v", r)
			}
			b.SetBytes(int64(len(iss.PDF)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu := testutil.StartCPU()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if r := a.Verifier.Verify(ctx, iss.PDF); !r.Valid {
						b.Error("not valid")
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
