package app

import (
	"context"
	"testing"
	"time"

	"sihub/certs/ocsp"
	"sihub/hsm"
)

// BenchmarkRevocationStatus measures the answers the verifier gets per
// signature: from the registry (our seals) and from the OCSP cache
// (foreign seals after the first fetch).
func BenchmarkRevocationStatus(b *testing.B) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	b.Run("registry", func(b *testing.B) {
		cfg := Defaults()
		cfg.DataDir = b.TempDir()
		a, err := Open(ctx, cfg, Options{Logger: discardLogger()})
		if err != nil {
			b.Fatal(err)
		}
		defer a.Close()
		m, err := a.PKI.Seal(hsm.SM2)
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := a.Revocation.Status(ctx, m.Certificate, m.Chain[0], now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ocsp-cached", func(b *testing.B) {
		srv := newPKIServer(b)
		f := newForeignCA(b, "sm2", srv.URL, "foreign", now)
		cert := f.seal(b, "seal")
		src := ocsp.NewMemorySource()
		src.Set(f.issuing.SerialNumber.Text(16), cert.SerialNumber, ocsp.Status{State: ocsp.Good})
		srv.set(f.responder(b, src), nil)
		rev := onlineRevocation(b, srv.hostPort(), now)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := rev.Status(ctx, cert, f.issuing, now); err != nil {
				b.Fatal(err)
			}
		}
		if srv.ocspHits.Load() != 1 {
			b.Fatalf("%d OCSP requests, want 1", srv.ocspHits.Load())
		}
	})
}
