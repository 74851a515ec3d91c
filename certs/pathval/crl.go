package pathval

import (
	"crypto/x509"
	"encoding/asn1"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

var (
	handledCRLExtensions   = []asn1.ObjectIdentifier{{2, 5, 29, 20}, {2, 5, 29, 35}}
	handledEntryExtensions = []asn1.ObjectIdentifier{{2, 5, 29, 21}, {2, 5, 29, 24}}
)

// reasonRemoveFromCRL is the CRLReason that takes an entry back off hold.
const reasonRemoveFromCRL = 8

// checkRevocation checks chain[depth] against the configured CRLs.
func (v *verifier) checkRevocation(chain []*smx509.Certificate, depth int, now time.Time) *Error {
	return v.status(chain[depth], chain[depth+1], chain[depth+2:], now, depth, 0)
}

// status finds a usable CRL for c from its issuer (or from a separate CRL
// signer with the issuer's name certified by a certificate in upper) and
// reports whether c is listed.
func (v *verifier) status(c, issuer *smx509.Certificate, upper []*smx509.Certificate, now time.Time, depth, level int) *Error {
	signers := []*smx509.Certificate{issuer}
	if level < 2 {
		for _, cand := range v.candidates {
			s := cand.cert
			if s == issuer || !namesEqual(s.RawSubject, c.RawIssuer) || s.KeyUsage&x509.KeyUsageCRLSign == 0 {
				continue
			}
			if now.Before(s.NotBefore) || now.After(s.NotAfter) {
				continue
			}
			certifiers := append([]*smx509.Certificate{issuer}, upper...)
			for i, u := range certifiers {
				if namesEqual(u.RawSubject, s.RawIssuer) && v.checkSig(s, u) == nil &&
					(s == c || v.status(s, u, certifiers[i+1:], now, depth, level+1) == nil) {
					signers = append(signers, s)
					break
				}
			}
		}
	}
	usable := false
	for _, crl := range v.opts.CRLs {
		if crl == nil || !namesEqual(crl.RawIssuer, c.RawIssuer) {
			continue
		}
		if now.Before(crl.ThisUpdate) || (!crl.NextUpdate.IsZero() && now.After(crl.NextUpdate)) {
			continue
		}
		bad := false
		for _, e := range crl.Extensions {
			if e.Critical && !oidIn(e.Id, handledCRLExtensions) {
				bad = true
			}
		}
		if bad {
			continue
		}
		signed := false
		for _, s := range signers {
			if s.KeyUsage != 0 && s.KeyUsage&x509.KeyUsageCRLSign == 0 {
				continue
			}
			if v.verifySig(s, crl.SignatureAlgorithm, crl.RawTBSRevocationList, crl.Signature) == nil {
				signed = true
				break
			}
		}
		if !signed {
			continue
		}
		entryBad := false
		for _, e := range crl.RevokedCertificateEntries {
			for _, x := range e.Extensions {
				if x.Critical && !oidIn(x.Id, handledEntryExtensions) {
					entryBad = true
				}
			}
		}
		if entryBad {
			continue
		}
		usable = true
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber != nil && e.SerialNumber.Cmp(c.SerialNumber) == 0 && e.ReasonCode != reasonRemoveFromCRL {
				return fail(ReasonRevoked, depth, "serial %s listed on %s", c.SerialNumber, crl.ThisUpdate.Format(time.RFC3339))
			}
		}
	}
	if !usable {
		return fail(ReasonRevocationUnknown, depth, "no current CRL from %s", c.Issuer.String())
	}
	return nil
}
