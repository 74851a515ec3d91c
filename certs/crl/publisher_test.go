package crl

import (
	"context"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/certs/internal/pkitest"
	"sihub/hsm"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	h      *pkitest.Hierarchy
	src    *MemorySource
	clk    *clock
	pub    *Publisher
	serial string // the issuing CA's
}

func newFixture(t *testing.T, alg hsm.Algorithm) *fixture {
	t.Helper()
	f := &fixture{h: pkitest.New(t, alg), src: NewMemorySource(), clk: &clock{t: pkitest.Now}}
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

type failingSource struct{}

func (failingSource) Revoked(context.Context, string) ([]Entry, error) {
	return nil, errors.New("database down")
}

func TestHandler(t *testing.T) {
	f := newFixture(t, hsm.P256)
	srv := httptest.NewServer(Handler(f.pub))
	defer srv.Close()
	get := func(method, path string) (*http.Response, []byte) {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	f.clk.Advance(time.Hour) // the CRL is built an hour into its life ...
	resp, body := get("GET", "/pki/crl/"+f.serial+".crl")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pkix-crl" {
		t.Fatalf("status %d type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rl, err := smx509.ParseRevocationList(body)
	if err != nil || rl.CheckSignatureFrom(f.h.Issuing) != nil {
		t.Fatalf("served CRL: %v", err)
	}
	if got, want := resp.Header.Get("Cache-Control"), "public, max-age="+strconv.Itoa(18*3600); got != want {
		t.Errorf("Cache-Control %q, want %q", got, want)
	}
	f.clk.Advance(2 * time.Hour) // ... and served again two hours later
	resp, _ = get("GET", "/pki/crl/"+f.serial+".crl")
	if got, want := resp.Header.Get("Cache-Control"), "public, max-age="+strconv.Itoa(16*3600); got != want {
		t.Errorf("Cache-Control %q, want %q", got, want)
	}
	if resp, body := get("HEAD", "/pki/crl/"+f.serial+".crl"); resp.StatusCode != 200 || len(body) != 0 {
		t.Errorf("HEAD: %d, %d bytes", resp.StatusCode, len(body))
	}
	for path, want := range map[string]int{
		"/pki/crl/abcdef.crl":            404,
		"/pki/crl/" + f.serial:           404,
		"/pki/crl/0" + f.serial + ".crl": 404,
		"/pki/crl/ABCDEF.crl":            404,
		"/pki/crl/" + f.serial + "00000000000000000000000000000000.crl": 404,
	} {
		if resp, _ := get("GET", path); resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	if resp, _ := get("POST", "/pki/crl/"+f.serial+".crl"); resp.StatusCode != 405 {
		t.Errorf("POST: %d", resp.StatusCode)
	}

	bad, err := NewPublisher(failingSource{}, PublisherConfig{Issuers: []Issuer{{f.h.Issuing, f.h.IssuingKey}}, Now: f.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	Handler(bad).ServeHTTP(rec, httptest.NewRequest("GET", "/pki/crl/"+f.serial+".crl", nil))
	if rec.Code != 503 {
		t.Errorf("failing source: %d", rec.Code)
	}
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
