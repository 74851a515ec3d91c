package ocsp

import (
	"testing"

	"sihub/certs/internal/pkitest"
	"sihub/hsm"
)

// FuzzParseRequest: the parser never panics, respects its caps, and what
// it accepts has 1..DefaultMaxRequests CertIDs whose Raw re-parses.
func FuzzParseRequest(f *testing.F) {
	h := pkitest.New(f, hsm.SM2)
	for _, hh := range []Hash{SHA1, SHA256, SM3} {
		for _, n := range [][]byte{nil, []byte("0123456789abcdef")} {
			der, err := CreateRequest(h.Seal, h.Issuing, hh, n)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(der)
		}
	}
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		req, err := ParseRequest(der, 0)
		if err != nil {
			return
		}
		if len(req.CertIDs) == 0 || len(req.CertIDs) > DefaultMaxRequests {
			t.Fatalf("%d CertIDs", len(req.CertIDs))
		}
		if req.Nonce != nil && (len(req.Nonce) == 0 || len(req.Nonce) > maxNonce+2) {
			t.Fatalf("nonce of %d bytes", len(req.Nonce))
		}
		for _, id := range req.CertIDs {
			again, err := parseCertIDBytes(id.Raw)
			if err != nil || again.SerialNumber.Cmp(id.SerialNumber) != 0 {
				t.Fatalf("CertID does not re-parse: %v", err)
			}
		}
	})
}

// FuzzParseResponse: the response parser never panics on any input.
func FuzzParseResponse(f *testing.F) {
	fx := newFixture(f, hsm.P256)
	req, _ := CreateRequest(fx.h.TSA, fx.h.Issuing, SHA256, []byte("nonce"))
	der, _ := fx.r.Respond(f.Context(), req)
	f.Add(der)
	f.Add(errorResponse(Unauthorized))
	f.Fuzz(func(t *testing.T, der []byte) {
		if r, err := ParseResponse(der, fx.h.Issuing); err == nil && r.Signer == nil {
			t.Fatal("accepted without a signer")
		}
	})
}
