package certs

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/smx509"
)

// Roles of the service certificates (model.Certificate.Role).
const (
	// RoleOCSP is a delegated OCSP responder certificate (RFC 6960 §4.2.2.2).
	RoleOCSP = "ocsp"
	// RoleTSA is a time-stamping authority certificate (RFC 3161 §2.3).
	RoleTSA = "tsa"
)

// Object identifiers of the service certificates.
var (
	// OIDOCSPNoCheck is id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1).
	OIDOCSPNoCheck = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}
	oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidKPOCSP      = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 9}
	oidKPTimeStamp = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
)

// OCSPSignerProfile: a delegated OCSP responder issued by the issuing CA:
// digitalSignature, id-kp-OCSPSigning, id-pkix-ocsp-nocheck (so clients do
// not ask about the responder itself), 30 days: the short life replaces its
// revocation checking.
var OCSPSignerProfile = Profile{
	Role:        RoleOCSP,
	Validity:    Period{Days: 30},
	PathLen:     -1,
	KeyUsage:    x509.KeyUsageDigitalSignature,
	ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning},
}

// TSAProfile: a time-stamping unit issued by the issuing CA:
// digitalSignature + nonRepudiation and the extended key usage
// id-kp-timeStamping alone, marked critical (RFC 3161 §2.3), 5 years, with
// the CRL distribution point and caIssuers pointers.
var TSAProfile = Profile{
	Role:         RoleTSA,
	Validity:     Period{Years: 5},
	PathLen:      -1,
	KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	Distribution: true,
}

// IssueService issues an OCSP-signer (OCSPSignerProfile) or TSA
// (TSAProfile) certificate: like Issue, plus the extensions these roles
// need that a Profile cannot express — the critical extKeyUsage of a TSA
// and the ocsp-nocheck extension of a responder — checked again on the
// signed certificate. req.Issuer is required.
func IssueService(req Request) (*smx509.Certificate, error) {
	if req.Issuer == nil {
		return nil, errors.New("certs: a service certificate needs an issuing CA")
	}
	if req.IssuerKey == nil || req.PublicKey == nil {
		return nil, errors.New("certs: issue: missing public key or issuer key")
	}
	var extra []pkix.Extension
	switch req.Profile.Role {
	case RoleOCSP:
		extra = []pkix.Extension{{Id: OIDOCSPNoCheck, Value: []byte{0x05, 0x00}}}
	case RoleTSA:
		eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidKPTimeStamp})
		if err != nil {
			return nil, err
		}
		extra = []pkix.Extension{{Id: oidExtKeyUsage, Critical: true, Value: eku}}
	default:
		return nil, fmt.Errorf("%w: IssueService issues %s or %s certificates, not %q", ErrLint, RoleOCSP, RoleTSA, req.Profile.Role)
	}
	r := req.Rand
	if r == nil {
		r = rand.Reader
	}
	tmpl, err := prepare(req, r)
	if err != nil {
		return nil, err
	}
	tmpl.ExtraExtensions = extra
	issuer := (*x509.Certificate)(req.Issuer)
	if err := Lint(tmpl, issuer, req.Profile); err != nil {
		return nil, err
	}
	der, err := smx509.CreateCertificate(rand.Reader, tmpl, issuer, req.PublicKey, req.IssuerKey)
	if err != nil {
		return nil, fmt.Errorf("certs: sign %s certificate: %w", req.Profile.Role, err)
	}
	cert, err := smx509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("certs: parse the new %s certificate: %w", req.Profile.Role, err)
	}
	if err := Lint((*x509.Certificate)(cert), issuer, req.Profile); err != nil {
		return nil, fmt.Errorf("certs: the signed certificate: %w", err)
	}
	if err := LintService(cert); err != nil {
		return nil, fmt.Errorf("certs: the signed certificate: %w", err)
	}
	if err := cert.CheckSignatureFrom(req.Issuer); err != nil {
		return nil, fmt.Errorf("certs: the new %s certificate does not verify: %w", req.Profile.Role, err)
	}
	return cert, nil
}

// serviceProblems checks the extensions of an OCSP-signer or TSA
// certificate (a template's ExtraExtensions, a parsed certificate's
// Extensions) for Lint; other roles have none to check.
func serviceProblems(cert *x509.Certificate, p Profile) []string {
	if p.Role != RoleOCSP && p.Role != RoleTSA {
		return nil
	}
	exts := cert.Extensions
	if len(cert.Raw) == 0 {
		exts = cert.ExtraExtensions
	}
	var probs []string
	var ekuCritical, noCheck bool
	for _, e := range exts {
		switch {
		case e.Id.Equal(oidExtKeyUsage):
			ekuCritical = e.Critical
		case e.Id.Equal(OIDOCSPNoCheck):
			noCheck = bytes.Equal(e.Value, []byte{0x05, 0x00})
		}
	}
	if p.Role == RoleTSA && !ekuCritical {
		probs = append(probs, "a TSA certificate whose extKeyUsage is not critical (issue it with IssueService)")
	}
	if p.Role == RoleOCSP && !noCheck {
		probs = append(probs, "an OCSP signer without id-pkix-ocsp-nocheck (issue it with IssueService)")
	}
	return probs
}

// LintService checks the role-specific extensions of a parsed service
// certificate: an OCSP signer has id-kp-OCSPSigning and ocsp-nocheck; a TSA
// has exactly one extended key usage, id-kp-timeStamping, and it is critical.
// A certificate with neither usage is not a service certificate.
func LintService(cert *smx509.Certificate) error {
	var probs []string
	var eku, noCheck *pkix.Extension
	for i, e := range cert.Extensions {
		switch {
		case e.Id.Equal(oidExtKeyUsage):
			eku = &cert.Extensions[i]
		case e.Id.Equal(OIDOCSPNoCheck):
			noCheck = &cert.Extensions[i]
		}
	}
	var usages []asn1.ObjectIdentifier
	if eku != nil {
		if rest, err := asn1.Unmarshal(eku.Value, &usages); err != nil || len(rest) != 0 {
			probs = append(probs, "extKeyUsage does not parse")
		}
	}
	has := func(oid asn1.ObjectIdentifier) bool {
		for _, u := range usages {
			if u.Equal(oid) {
				return true
			}
		}
		return false
	}
	switch {
	case has(oidKPTimeStamp):
		if len(usages) != 1 {
			probs = append(probs, "a TSA certificate with usages besides id-kp-timeStamping")
		}
		if !eku.Critical {
			probs = append(probs, "a TSA certificate whose extKeyUsage is not critical")
		}
	case has(oidKPOCSP):
		if noCheck == nil {
			probs = append(probs, "an OCSP signer without id-pkix-ocsp-nocheck")
		} else if !bytes.Equal(noCheck.Value, []byte{0x05, 0x00}) {
			probs = append(probs, "id-pkix-ocsp-nocheck is not NULL")
		}
	default:
		probs = append(probs, "neither id-kp-timeStamping nor id-kp-OCSPSigning")
	}
	if cert.IsCA {
		probs = append(probs, "a service certificate that is a CA")
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: service certificate %q: %s", ErrLint, cert.Subject.CommonName, strings.Join(probs, "; "))
	}
	return nil
}
