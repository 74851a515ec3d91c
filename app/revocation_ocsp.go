package app

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"hash"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"sihub/certs/ocsp"
	"sihub/internal/netguard"
	"sihub/verifier"
)

// ocspAnswer is one verified single response, kept until expires.
type ocspAnswer struct {
	state                  ocsp.State
	revokedAt              time.Time
	reason                 int
	thisUpdate, nextUpdate time.Time
	expires                time.Time
}

func (a ocspAnswer) status() verifier.RevocationStatus {
	st := verifier.RevocationStatus{State: verifier.RevocationGood, Source: verifier.RevocationSourceOnlineOCSP,
		ThisUpdate: a.thisUpdate, NextUpdate: a.nextUpdate}
	if a.state == ocsp.Revoked {
		return revoked(st, a.revokedAt, a.reason)
	}
	return st
}

// viaOCSP asks the responder at u about cert, or answers from the cache.
// An "unknown" answer is an error, so the caller goes on to the CRL.
func (r *Revocation) viaOCSP(ctx context.Context, u string, cert, issuer *smx509.Certificate) (verifier.RevocationStatus, error) {
	now := r.o.Now()
	key := issuerKey(issuer) + "/" + cert.SerialNumber.Text(16)
	r.mu.Lock()
	a, ok := r.ocsp[key]
	r.mu.Unlock()
	if ok && now.Before(a.expires) {
		return a.status(), nil
	}
	fk := "ocsp " + u + " " + key
	if err := r.recentFailure(fk, now); err != nil {
		return verifier.RevocationStatus{}, err
	}
	v, err := r.shared(ctx, fk, func(ctx context.Context) (any, error) {
		a, err := r.fetchOCSP(ctx, u, cert, issuer, now)
		if err != nil {
			r.noteFailure(fk, u, now, err)
		}
		return a, err
	})
	if err != nil {
		return verifier.RevocationStatus{}, err
	}
	a = v.(ocspAnswer)
	r.mu.Lock()
	if len(r.ocsp) >= r.o.MaxEntries {
		for k, old := range r.ocsp {
			if !now.Before(old.expires) {
				delete(r.ocsp, k)
			}
		}
		if len(r.ocsp) >= r.o.MaxEntries {
			clear(r.ocsp)
		}
	}
	r.ocsp[key] = a
	r.mu.Unlock()
	return a.status(), nil
}

func (r *Revocation) fetchOCSP(ctx context.Context, u string, cert, issuer *smx509.Certificate, now time.Time) (ocspAnswer, error) {
	req, err := ocsp.CreateRequest(cert, issuer, ocsp.SHA256, nil)
	if err != nil {
		return ocspAnswer{}, err
	}
	resp, err := r.o.Fetch.Post(ctx, u, "application/ocsp-request", req, netguard.MaxOCSPBytes)
	if err != nil {
		return ocspAnswer{}, err
	}
	return readOCSP(resp.Body, cert, issuer, now)
}

// readOCSP parses and verifies a DER OCSP response (ocsp.ParseResponse
// caps its size) and returns its answer about cert, which must be current
// at now and not "unknown".
func readOCSP(der []byte, cert, issuer *smx509.Certificate, now time.Time) (ocspAnswer, error) {
	parsed, err := ocsp.ParseResponse(der, issuer)
	if err != nil {
		return ocspAnswer{}, err
	}
	for _, sr := range parsed.Responses {
		if !certIDNames(sr.CertID, cert, issuer) {
			continue
		}
		expires, err := fresh(sr.ThisUpdate, sr.NextUpdate, now)
		if err != nil {
			return ocspAnswer{}, fmt.Errorf("response: %v", err)
		}
		if sr.Status.State == ocsp.Unknown {
			return ocspAnswer{}, fmt.Errorf("the responder does not know the certificate")
		}
		return ocspAnswer{state: sr.Status.State, revokedAt: sr.Status.RevokedAt, reason: int(sr.Status.Reason),
			thisUpdate: sr.ThisUpdate, nextUpdate: sr.NextUpdate, expires: expires}, nil
	}
	return ocspAnswer{}, fmt.Errorf("the response does not answer for the certificate")
}

// certIDNames reports whether id names cert issued by issuer: the serial,
// and the issuer's name and key hashed with the CertID's algorithm.
func certIDNames(id ocsp.CertID, cert, issuer *smx509.Certificate) bool {
	if id.SerialNumber == nil || id.SerialNumber.Cmp(cert.SerialNumber) != 0 {
		return false
	}
	var h func() hash.Hash
	switch id.Hash {
	case ocsp.SHA1:
		h = sha1.New
	case ocsp.SHA256:
		h = sha256.New
	case ocsp.SM3:
		h = sm3.New
	default:
		return false
	}
	in := cryptobyte.String(issuer.RawSubjectPublicKeyInfo)
	var spki cryptobyte.String
	var key asn1.BitString
	if !in.ReadASN1(&spki, cbasn1.SEQUENCE) || !spki.SkipASN1(cbasn1.SEQUENCE) || !spki.ReadASN1BitString(&key) {
		return false
	}
	bits := key.RightAlign()
	sum := func(b []byte) []byte { d := h(); d.Write(b); return d.Sum(nil) }
	return bytes.Equal(sum(issuer.RawSubject), id.IssuerNameHash) && bytes.Equal(sum(bits), id.IssuerKeyHash)
}
