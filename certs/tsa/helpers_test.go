package tsa

import (
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/internal/pkitest"
	"sihub/hsm"
)

var algs = []hsm.Algorithm{hsm.SM2, hsm.P256}

type fixture struct {
	h   *pkitest.Hierarchy
	clk *pkitest.Clock
	a   *Authority
}

func newFixture(t testing.TB, alg hsm.Algorithm) *fixture {
	t.Helper()
	f := &fixture{h: pkitest.New(t, alg), clk: pkitest.NewClock(pkitest.Now.Add(90*time.Minute + 123456789*time.Nanosecond))}
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
