package app

import (
	"bytes"
	"context"
	"encoding/asn1"
	"fmt"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/internal/netguard"
	"sihub/verifier"
)

// maxCRLEntries caps the entries of one fetched CRL.
const maxCRLEntries = 1_000_000

// crlList is one verified CRL, reduced to what Status needs.
type crlList struct {
	issuer                 string // issuerKey of the CA that signed it
	revoked                map[string]crlEntry
	thisUpdate, nextUpdate time.Time
	expires                time.Time
}

type crlEntry struct {
	at     time.Time
	reason int
}

// CRL extensions understood when critical: the CRL number and the
// authority key identifier; per entry, the reason code and the invalidity
// date. Anything else critical (issuing distribution point, delta CRL
// indicator, certificate issuer …) makes the CRL unusable here.
var (
	crlExtensionsKnown   = []asn1.ObjectIdentifier{{2, 5, 29, 20}, {2, 5, 29, 35}}
	entryExtensionsKnown = []asn1.ObjectIdentifier{{2, 5, 29, 21}, {2, 5, 29, 24}}
)

// viaCRL looks cert up in the CRL at u, fetching and verifying it unless a
// fresh copy signed by issuer is cached.
func (r *Revocation) viaCRL(ctx context.Context, u string, cert, issuer *smx509.Certificate) (verifier.RevocationStatus, error) {
	now := r.o.Now()
	ik := issuerKey(issuer)
	r.mu.Lock()
	l, ok := r.crls[u]
	r.mu.Unlock()
	if !ok || !now.Before(l.expires) || l.issuer != ik {
		fk := "crl " + u + " " + ik
		if err := r.recentFailure(fk, now); err != nil {
			return verifier.RevocationStatus{}, err
		}
		v, err := r.shared(ctx, fk, func(ctx context.Context) (any, error) {
			l, err := r.fetchCRL(ctx, u, issuer, now)
			if err != nil {
				r.noteFailure(fk, u, now, err)
			}
			return l, err
		})
		if err != nil {
			return verifier.RevocationStatus{}, err
		}
		l = v.(*crlList)
		r.mu.Lock()
		if len(r.crls) >= r.o.MaxCRLs {
			for k, old := range r.crls {
				if !now.Before(old.expires) || len(r.crls) >= r.o.MaxCRLs {
					delete(r.crls, k)
				}
			}
		}
		r.crls[u] = l
		r.mu.Unlock()
	}
	st := verifier.RevocationStatus{State: verifier.RevocationGood, Source: verifier.RevocationSourceOnlineCRL,
		ThisUpdate: l.thisUpdate, NextUpdate: l.nextUpdate}
	if e, ok := l.revoked[cert.SerialNumber.Text(16)]; ok {
		return revoked(st, e.at, e.reason), nil
	}
	return st, nil
}

func (r *Revocation) fetchCRL(ctx context.Context, u string, issuer *smx509.Certificate, now time.Time) (*crlList, error) {
	resp, err := r.o.Fetch.Get(ctx, u, netguard.MaxCRLBytes)
	if err != nil {
		return nil, err
	}
	return readCRL(resp.Body, issuer, now)
}

// readCRL parses a DER CRL of at most netguard.MaxCRLBytes and checks it
// is issuer's, signed by issuer, current at now and free of critical
// extensions this reader does not handle.
func readCRL(der []byte, issuer *smx509.Certificate, now time.Time) (*crlList, error) {
	if len(der) > netguard.MaxCRLBytes {
		return nil, fmt.Errorf("CRL of %d bytes", len(der))
	}
	rl, err := smx509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("CRL does not parse: %v", err)
	}
	if !bytes.Equal(rl.RawIssuer, issuer.RawSubject) {
		return nil, fmt.Errorf("CRL issuer is not %q", issuer.Subject.CommonName)
	}
	if err := rl.CheckSignatureFrom(issuer); err != nil {
		return nil, fmt.Errorf("CRL signature: %v", err)
	}
	for _, e := range rl.Extensions {
		if e.Critical && !oidIn(e.Id, crlExtensionsKnown) {
			return nil, fmt.Errorf("CRL has the unsupported critical extension %s", e.Id)
		}
	}
	expires, err := fresh(rl.ThisUpdate, rl.NextUpdate, now)
	if err != nil {
		return nil, fmt.Errorf("CRL: %v", err)
	}
	if len(rl.RevokedCertificateEntries) > maxCRLEntries {
		return nil, fmt.Errorf("CRL has %d entries, more than %d", len(rl.RevokedCertificateEntries), maxCRLEntries)
	}
	l := &crlList{issuer: issuerKey(issuer), revoked: make(map[string]crlEntry, len(rl.RevokedCertificateEntries)),
		thisUpdate: rl.ThisUpdate, nextUpdate: rl.NextUpdate, expires: expires}
	for _, e := range rl.RevokedCertificateEntries {
		for _, x := range e.Extensions {
			if x.Critical && !oidIn(x.Id, entryExtensionsKnown) {
				return nil, fmt.Errorf("CRL entry %x has the unsupported critical extension %s", e.SerialNumber, x.Id)
			}
		}
		if e.SerialNumber == nil {
			continue
		}
		l.revoked[e.SerialNumber.Text(16)] = crlEntry{at: e.RevocationTime, reason: e.ReasonCode}
	}
	return l, nil
}

func oidIn(id asn1.ObjectIdentifier, list []asn1.ObjectIdentifier) bool {
	for _, o := range list {
		if id.Equal(o) {
			return true
		}
	}
	return false
}
