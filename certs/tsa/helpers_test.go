package tsa

import (
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/internal/pkitest"
	"sihub/hsm"
)

var algs = []hsm.Algorithm{hsm.SM2, hsm.P256}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	h   *pkitest.Hierarchy
	clk *clock
	a   *Authority
}

func newFixture(t testing.TB, alg hsm.Algorithm) *fixture {
	t.Helper()
	f := &fixture{h: pkitest.New(t, alg), clk: &clock{t: pkitest.Now.Add(90*time.Minute + 123456789*time.Nanosecond)}}
	var err error
	f.a, err = New(Config{Certificate: f.h.TSA, Key: f.h.TSAKey, Chain: []*smx509.Certificate{f.h.Issuing}, Now: f.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func imprintOf(h Hash, data []byte) []byte {
	d := h.New()
	d.Write(data)
	return d.Sum(nil)
}
