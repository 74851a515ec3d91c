package ocsp

import (
	"testing"

	"sihub/hsm"
)

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
