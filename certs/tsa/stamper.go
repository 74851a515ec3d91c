package tsa

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
)

// Service answers a DER TimeStampReq with a DER TimeStampResp; *Authority
// is one (in-process), an HTTP client of a remote TSA can be another.
type Service interface {
	Respond(ctx context.Context, req []byte) []byte
}

// Stamper returns an RFC 3161 TimeStampToken (DER ContentInfo) over a
// signature value; it fits pades.Sealer.TimeStamp.
type Stamper func(signature []byte) ([]byte, error)

// NewStamper returns a Stamper that hashes the signature value with h,
// asks svc with a 64-bit random nonce (from r; nil is crypto/rand) and
// certReq set, and checks the answer before returning the token: granted,
// signature valid under the embedded TSA certificate, imprint and nonce
// as sent. It does not validate the TSA's chain.
func NewStamper(svc Service, h Hash, r io.Reader) Stamper {
	if r == nil {
		r = rand.Reader
	}
	return func(signature []byte) ([]byte, error) {
		d := h.New()
		if d == nil {
			return nil, fmt.Errorf("%w: hash %d", ErrInvalid, int(h))
		}
		d.Write(signature)
		var nb [8]byte
		if _, err := io.ReadFull(r, nb[:]); err != nil {
			return nil, fmt.Errorf("tsa: nonce: %w", err)
		}
		req := &Request{Hash: h, HashedMessage: d.Sum(nil), Nonce: new(big.Int).SetBytes(nb[:]), CertReq: true}
		der, err := req.Marshal()
		if err != nil {
			return nil, err
		}
		resp, err := ParseResponse(svc.Respond(context.Background(), der))
		if err != nil {
			return nil, err
		}
		if resp.Token == nil {
			return nil, fmt.Errorf("%w: status %d, failInfo %#x: %s", ErrRejected, resp.Status, resp.FailInfo, resp.Text)
		}
		tok, err := ParseToken(resp.Token)
		if err != nil {
			return nil, err
		}
		if err := tok.Verify(nil); err != nil {
			return nil, err
		}
		if !tok.Covers(signature) || tok.Info.Hash != h {
			return nil, fmt.Errorf("%w: the token's imprint is not the signature's %s", ErrVerify, h)
		}
		if tok.Info.Nonce == nil || tok.Info.Nonce.Cmp(req.Nonce) != 0 {
			return nil, fmt.Errorf("%w: nonce not echoed", ErrVerify)
		}
		return resp.Token, nil
	}
}
