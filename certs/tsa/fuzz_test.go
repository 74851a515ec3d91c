package tsa

import (
	"bytes"
	"context"
	"math/big"
	"testing"

	"sihub/hsm"
)

// FuzzParseRequest: the TimeStampReq parser never panics, and what it
// accepts re-encodes to a request that parses to the same values.
func FuzzParseRequest(f *testing.F) {
	for _, r := range []*Request{
		{Hash: SHA256, HashedMessage: imprintOf(SHA256, nil)},
		{Hash: SM3, HashedMessage: imprintOf(SM3, nil), Nonce: big.NewInt(99), CertReq: true},
		{Hash: SHA512, HashedMessage: imprintOf(SHA512, nil), Policy: DefaultPolicy, Nonce: new(big.Int).Lsh(big.NewInt(1), 159)},
	} {
		der, err := r.Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		r, err := ParseRequest(der)
		if err != nil {
			return
		}
		again, err := r.Marshal()
		if err != nil {
			return // e.g. a nonce above 160 bits in 21 octets
		}
		r2, err := ParseRequest(again)
		if err != nil || r2.Hash != r.Hash || !bytes.Equal(r2.HashedMessage, r.HashedMessage) || r2.CertReq != r.CertReq ||
			(r.Nonce == nil) != (r2.Nonce == nil) || (r.Nonce != nil && r.Nonce.Cmp(r2.Nonce) != 0) {
			t.Fatalf("re-encoded request differs: %v", err)
		}
	})
}

// FuzzParseToken: the token and TSTInfo parsers never panic.
func FuzzParseToken(f *testing.F) {
	fx := newFixture(f, hsm.P256)
	tok, info, err := fx.a.Stamp(context.Background(), &Request{Hash: SHA256, HashedMessage: imprintOf(SHA256, nil), Nonce: big.NewInt(5)})
	if err != nil {
		f.Fatal(err)
	}
	content, _ := info.Marshal()
	f.Add(tok)
	f.Add(content)
	f.Fuzz(func(t *testing.T, der []byte) {
		_, _ = ParseToken(der)
		if in, err := ParseTSTInfo(der); err == nil && in.SerialNumber == nil {
			t.Fatal("TSTInfo without serial")
		}
		_, _ = ParseResponse(der)
	})
}
