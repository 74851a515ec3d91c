package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/certs/ocsp"
	"sihub/certs/tsa"
	"sihub/signer"
)

// errPKINotStarted: an issue asked for timestamps or revocation data
// before the PKI services were built.
var errPKINotStarted = errors.New("app: the PKI services are not started")

// levelServices gives the issuing service (signer.LTVServices) the
// in-process trust services: the TSA of each algorithm, the OCSP
// responder (which caches nonce-less answers for minutes) and the CRL
// publisher (which rebuilds a CRL only when due). It reads a.PKIServices
// at each call, so it can be handed to the signer before they start.
type levelServices struct {
	a *App
	// issuerOf caches a certificate's issuer serial (the store's form),
	// keyed by its own serial.
	issuerOf sync.Map
}

var _ signer.LTVServices = (*levelServices)(nil)

func (l *levelServices) pki() (*PKIServices, error) {
	if l.a.PKIServices == nil {
		return nil, errPKINotStarted
	}
	return l.a.PKIServices, nil
}

// TimeStamp implements signer.LTVServices with the in-process authority
// of the imprint's algorithm (SM3: SM2, else P-256).
func (l *levelServices) TimeStamp(ctx context.Context, h tsa.Hash, digest []byte) ([]byte, error) {
	p, err := l.pki()
	if err != nil {
		return nil, err
	}
	a := p.TSA.P256
	if h == tsa.SM3 {
		a = p.TSA.SM2
	}
	if a == nil {
		return nil, fmt.Errorf("app: no time-stamping authority for %s", h)
	}
	tok, _, err := a.Stamp(ctx, &tsa.Request{Hash: h, HashedMessage: digest, CertReq: true})
	return tok, err
}

// OCSP implements signer.LTVServices with the in-process responder.
func (l *levelServices) OCSP(ctx context.Context, cert, issuer *smx509.Certificate) ([]byte, error) {
	p, err := l.pki()
	if err != nil {
		return nil, err
	}
	r := p.OCSP.Get()
	if r == nil {
		return nil, errPKINotStarted
	}
	req, err := ocsp.CreateRequest(cert, issuer, ocsp.SHA256, nil)
	if err != nil {
		return nil, fmt.Errorf("app: OCSP request: %w", err)
	}
	der, res := r.Respond(ctx, req)
	if res.Status != ocsp.Successful {
		return nil, fmt.Errorf("app: OCSP responder: %s", res.Status)
	}
	return der, nil
}

// CRL implements signer.LTVServices with the publisher's current CRL of
// cert's issuer (found through the certificate store, then cached).
func (l *levelServices) CRL(ctx context.Context, cert *smx509.Certificate) ([]byte, error) {
	p, err := l.pki()
	if err != nil {
		return nil, err
	}
	serial := certs.SerialHex(cert.SerialNumber)
	issuer, ok := l.issuerOf.Load(serial)
	if !ok {
		rec, err := l.a.Store.Certificate(ctx, serial)
		if err != nil {
			return nil, fmt.Errorf("app: certificate %s: %w", serial, err)
		}
		if rec.IssuerSerial == "" {
			return nil, fmt.Errorf("app: certificate %s is a root; no CRL covers it", serial)
		}
		l.issuerOf.Store(serial, rec.IssuerSerial)
		issuer = rec.IssuerSerial
	}
	pub, err := p.CRL.CRL(ctx, issuer.(string))
	if err != nil {
		return nil, err
	}
	return pub.DER, nil
}
