package ocsphttp

import (
	"testing"
	"time"

	"sihub/certs"
	"sihub/certs/crl"
	"sihub/certs/internal/pkitest"
	"sihub/certs/ocsp"
	"sihub/hsm"
)

type fixture struct {
	h *pkitest.Hierarchy
	r *ocsp.Responder
}

// newFixture: a responder for the test hierarchy's issuing CA, whose clock
// stands an hour after the hierarchy's; the seal certificate is good, the
// TSA certificate revoked.
func newFixture(t *testing.T, alg hsm.Algorithm) *fixture {
	t.Helper()
	f := &fixture{h: pkitest.New(t, alg)}
	src := ocsp.NewMemorySource()
	is := certs.SerialHex(f.h.Issuing.SerialNumber)
	src.Set(is, f.h.Seal.SerialNumber, ocsp.Status{State: ocsp.Good})
	src.Set(is, f.h.TSA.SerialNumber, ocsp.Status{State: ocsp.Revoked, RevokedAt: pkitest.Now.Add(30 * time.Minute), Reason: crl.KeyCompromise})
	now := pkitest.Now.Add(time.Hour)
	var err error
	f.r, err = ocsp.NewResponder(ocsp.Config{Issuers: []ocsp.Issuer{{CA: f.h.Issuing, Signer: f.h.OCSP, Key: f.h.OCSPKey}},
		Source: src, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return f
}
