package crl

import (
	"context"
	"errors"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/certs/internal/pkitest"
	"sihub/hsm"
)

type fixture struct {
	h      *pkitest.Hierarchy
	src    *MemorySource
	clk    *pkitest.Clock
	pub    *Publisher
	serial string // the issuing CA's
}

func newFixture(t *testing.T, alg hsm.Algorithm) *fixture {
	t.Helper()
	f := &fixture{h: pkitest.New(t, alg), src: NewMemorySource(), clk: pkitest.NewClock(pkitest.Now)}
	var err error
	f.pub, err = NewPublisher(f.src, PublisherConfig{
		Issuers:  []Issuer{{f.h.Issuing, f.h.IssuingKey}, {f.h.Root, f.h.RootKey}},
		Now:      f.clk.Now,
		Validity: 24 * time.Hour, RefreshBefore: 6 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.serial = certs.SerialHex(f.h.Issuing.SerialNumber)
	return f
}

func parse(t *testing.T, p *Published) *smx509.RevocationList {
	t.Helper()
	rl, err := smx509.ParseRevocationList(p.DER)
	if err != nil {
		t.Fatal(err)
	}
	return rl
}

func TestPublisherCachesUntilRefreshPoint(t *testing.T) {
	f := newFixture(t, hsm.SM2)
	ctx := context.Background()
	first, err := f.pub.CRL(ctx, f.serial)
	if err != nil {
		t.Fatal(err)
	}
	if want := pkitest.Now.Add(18 * time.Hour); !first.RefreshAt.Equal(want) || !first.NextUpdate.Equal(pkitest.Now.Add(24*time.Hour)) {
		t.Fatalf("refresh at %s next %s", first.RefreshAt, first.NextUpdate)
	}
	// A revocation without Refresh is not visible before the refresh point.
	f.src.Revoke(f.serial, Entry{Serial: big.NewInt(77), RevokedAt: pkitest.Now, Reason: KeyCompromise})
	f.clk.Advance(18*time.Hour - time.Second)
	again, _ := f.pub.CRL(ctx, f.serial)
	if again != first {
		t.Fatal("rebuilt before the refresh point")
	}
	f.clk.Advance(time.Second)
	later, err := f.pub.CRL(ctx, f.serial)
	if err != nil {
		t.Fatal(err)
	}
	if later == first || later.Number.Cmp(first.Number) <= 0 {
		t.Fatalf("not rebuilt at the refresh point (number %v after %v)", later.Number, first.Number)
	}
	rl := parse(t, later)
	if len(rl.RevokedCertificateEntries) != 1 || rl.RevokedCertificateEntries[0].SerialNumber.Int64() != 77 {
		t.Fatalf("entries %+v", rl.RevokedCertificateEntries)
	}
	if err := rl.CheckSignatureFrom(f.h.Issuing); err != nil {
		t.Fatal(err)
	}
}

func TestPublisherRefreshAfterRevocation(t *testing.T) {
	f := newFixture(t, hsm.P256)
	ctx := context.Background()
	first, _ := f.pub.CRL(ctx, f.serial)
	f.src.Revoke(f.serial, Entry{Serial: f.h.Seal.SerialNumber, RevokedAt: pkitest.Now, Reason: Superseded})
	// Same second: the number must still grow.
	now, err := f.pub.Refresh(ctx, f.serial)
	if err != nil {
		t.Fatal(err)
	}
	if now.Number.Cmp(first.Number) <= 0 {
		t.Fatalf("number %v not above %v", now.Number, first.Number)
	}
	if e := parse(t, now).RevokedCertificateEntries; len(e) != 1 || e[0].SerialNumber.Cmp(f.h.Seal.SerialNumber) != 0 {
		t.Fatalf("entries %+v", e)
	}
	if _, err := f.pub.Refresh(ctx, "abc"); !errors.Is(err, ErrUnknownIssuer) {
		t.Fatalf("unknown issuer: %v", err)
	}
}

func TestPublisherScheduledRefresh(t *testing.T) {
	f := newFixture(t, hsm.P256)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ticks := make(chan time.Time)
	done := make(chan struct{})
	go func() { f.pub.Run(ctx, ticks, func(err error) { t.Error(err) }); close(done) }()
	ticks <- f.clk.Now()
	ticks <- f.clk.Now() // accepted only after the first RefreshDue returned
	first, _ := f.pub.CRL(ctx, f.serial)
	root, _ := f.pub.CRL(ctx, certs.SerialHex(f.h.Root.SerialNumber))
	if err := parse(t, root).CheckSignatureFrom(f.h.Root); err != nil {
		t.Fatalf("root CRL: %v", err)
	}
	f.clk.Advance(19 * time.Hour)
	ticks <- f.clk.Now()
	ticks <- f.clk.Now()
	second, _ := f.pub.CRL(ctx, f.serial)
	if second == first || !second.ThisUpdate.Equal(pkitest.Now.Add(19*time.Hour)) {
		t.Fatalf("scheduled refresh did not rebuild: thisUpdate %s", second.ThisUpdate)
	}
	close(ticks)
	<-done
}

func TestNewPublisherRejects(t *testing.T) {
	src := NewMemorySource()
	for name, cfg := range map[string]PublisherConfig{
		"refresh ≥ validity": {Validity: time.Hour, RefreshBefore: time.Hour},
		"tiny validity":      {Validity: time.Second},
		"issuer without key": {Issuers: []Issuer{{}}},
	} {
		if _, err := NewPublisher(src, cfg); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := NewPublisher(nil, PublisherConfig{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil source: %v", err)
	}
}

// TestPublisherConcurrentRefresh: callers arriving together after the
// refresh point share one new CRL.
func TestPublisherConcurrentRefresh(t *testing.T) {
	f := newFixture(t, hsm.SM2)
	ctx := context.Background()
	first, err := f.pub.CRL(ctx, f.serial)
	if err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(20 * time.Hour)
	got := make([]*Published, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = f.pub.CRL(ctx, f.serial)
		}()
	}
	wg.Wait()
	for i, p := range got {
		if p == nil || p == first || p != got[0] {
			t.Fatalf("caller %d got a different CRL", i)
		}
	}
}
