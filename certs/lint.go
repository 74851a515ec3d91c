package certs

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"crypto/ecdsa"
	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"

	"sihub/model"
)

// Check reports whether a profile is internally consistent: CA flags agree
// with key usage, a seal certificate is an end entity with digitalSignature
// and nonRepudiation, the validity is positive.
func (p Profile) Check() error {
	if probs := p.problems(); len(probs) > 0 {
		return fmt.Errorf("%w: profile %q: %s", ErrLint, p.Role, strings.Join(probs, "; "))
	}
	return nil
}

func (p Profile) problems() []string {
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	if p.Validity.After(referenceTime).Sub(referenceTime) < 24*time.Hour {
		add("validity %+v is shorter than a day", p.Validity)
	}
	if p.KeyUsage == 0 {
		add("no key usage")
	}
	certSign := p.KeyUsage&x509.KeyUsageCertSign != 0
	crlSign := p.KeyUsage&x509.KeyUsageCRLSign != 0
	switch {
	case p.IsCA && !certSign:
		add("a CA profile without keyCertSign")
	case !p.IsCA && (certSign || crlSign):
		add("an end-entity profile with keyCertSign or cRLSign")
	}
	if !p.IsCA && p.PathLen != -1 {
		add("an end-entity profile with a path length (%d)", p.PathLen)
	}
	if p.PathLen < -1 {
		add("path length %d", p.PathLen)
	}
	switch p.Role {
	case model.RoleRoot:
		if !p.IsCA {
			add("a root that is not a CA")
		}
		if p.Distribution {
			add("a self-signed root with CRL/AIA pointers")
		}
	case model.RoleIssuing:
		if !p.IsCA {
			add("an issuing CA that is not a CA")
		}
	case model.RoleSeal:
		if p.IsCA {
			add("a seal certificate that is a CA")
		}
		const need = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		if p.KeyUsage&need != need {
			add("a seal certificate without digitalSignature and nonRepudiation")
		}
	case RoleOCSP, RoleTSA:
		if p.IsCA {
			add("a %s certificate that is a CA", p.Role)
		}
		if p.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
			add("a %s certificate without digitalSignature", p.Role)
		}
		want := x509.ExtKeyUsageOCSPSigning
		if p.Role == RoleTSA {
			want = x509.ExtKeyUsageTimeStamping
		}
		if len(p.ExtKeyUsage) != 1 || p.ExtKeyUsage[0] != want || len(p.UnknownExtKeyUsage) > 0 {
			add("a %s certificate must have exactly one extended key usage", p.Role)
		}
	default:
		add("unknown role %q", p.Role)
	}
	return probs
}

// Lint checks a certificate (a template about to be signed, or a parsed
// certificate) against its profile and its issuer; issuer nil means
// self-signed. Every broken rule is listed in the error, which wraps ErrLint.
func Lint(cert, issuer *x509.Certificate, p Profile) error {
	probs := p.problems()
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	self := issuer == nil
	if self {
		issuer = cert
	}

	// Names.
	if cert.Subject.CommonName == "" || len(cert.Subject.String()) == 0 {
		add("empty subject common name")
	}
	if len(cert.RawIssuer) > 0 && len(issuer.RawSubject) > 0 && !bytes.Equal(cert.RawIssuer, issuer.RawSubject) {
		add("issuer name differs from the issuer's subject")
	}

	// Serial: positive, random 64..128 bits (RFC 5280 §4.1.2.2 allows 20 octets).
	switch sn := cert.SerialNumber; {
	case sn == nil:
		add("no serial number")
	case sn.Sign() <= 0:
		add("serial number is not positive")
	case sn.BitLen() > 128:
		add("serial number has %d bits, more than 128", sn.BitLen())
	case sn.BitLen() < 64:
		add("serial number has %d bits, fewer than 64", sn.BitLen())
	}

	// Validity.
	if !cert.NotBefore.Before(cert.NotAfter) {
		add("notBefore %s is not before notAfter %s", cert.NotBefore, cert.NotAfter)
	}
	if max := p.Validity.After(cert.NotBefore); cert.NotAfter.After(max) {
		add("validity ends %s, beyond the profile's %+v (%s)", cert.NotAfter.UTC(), p.Validity, max.UTC())
	}
	if !self {
		if cert.NotBefore.Before(issuer.NotBefore) {
			add("notBefore %s precedes the issuer's %s", cert.NotBefore.UTC(), issuer.NotBefore.UTC())
		}
		if cert.NotAfter.After(issuer.NotAfter) {
			add("notAfter %s is beyond the issuer's %s", cert.NotAfter.UTC(), issuer.NotAfter.UTC())
		}
	}

	// Basic constraints and key usage.
	if !cert.BasicConstraintsValid {
		add("no basicConstraints")
	}
	if cert.IsCA != p.IsCA {
		add("cA=%v, profile says %v", cert.IsCA, p.IsCA)
	}
	if cert.IsCA != (cert.KeyUsage&x509.KeyUsageCertSign != 0) {
		add("cA=%v is inconsistent with keyCertSign", cert.IsCA)
	}
	if !cert.IsCA && cert.KeyUsage&x509.KeyUsageCRLSign != 0 {
		add("cRLSign on an end entity")
	}
	if got := pathLen(cert); cert.IsCA && got != p.PathLen {
		add("pathLenConstraint %d, profile says %d", got, p.PathLen)
	} else if !cert.IsCA && got != -1 {
		add("pathLenConstraint %d on an end entity", got)
	}
	if cert.KeyUsage != p.KeyUsage {
		add("keyUsage %#x, profile says %#x", cert.KeyUsage, p.KeyUsage)
	}
	if !slices.Equal(cert.ExtKeyUsage, p.ExtKeyUsage) || !slices.EqualFunc(cert.UnknownExtKeyUsage, p.UnknownExtKeyUsage, asn1.ObjectIdentifier.Equal) {
		add("extKeyUsage %v %v, profile says %v %v", cert.ExtKeyUsage, cert.UnknownExtKeyUsage, p.ExtKeyUsage, p.UnknownExtKeyUsage)
	}
	if !self {
		if !issuer.IsCA || issuer.KeyUsage&x509.KeyUsageCertSign == 0 {
			add("the issuer is not a CA with keyCertSign")
		}
		if cert.IsCA && pathLen(issuer) == 0 {
			add("the issuer's pathLenConstraint 0 forbids a subordinate CA")
		}
		if isRoot(issuer) && (!cert.IsCA || p.Role != model.RoleIssuing) {
			add("a root CA signs only issuing-CA certificates (and CRLs)")
		}
	}

	// Key identifiers.
	if len(cert.SubjectKeyId) == 0 {
		add("no subjectKeyIdentifier")
	} else if cert.PublicKey != nil {
		if want, err := SubjectKeyID(cert.PublicKey); err != nil {
			add("public key: %v", err)
		} else if !bytes.Equal(cert.SubjectKeyId, want) {
			add("subjectKeyIdentifier %x does not match the public key (%x)", cert.SubjectKeyId, want)
		}
	}
	if self {
		if len(cert.AuthorityKeyId) > 0 && !bytes.Equal(cert.AuthorityKeyId, cert.SubjectKeyId) {
			add("a self-signed certificate whose authorityKeyIdentifier is not its own key")
		}
	} else if len(issuer.SubjectKeyId) == 0 || !bytes.Equal(cert.AuthorityKeyId, issuer.SubjectKeyId) {
		add("authorityKeyIdentifier %x is not the issuer's subjectKeyIdentifier %x", cert.AuthorityKeyId, issuer.SubjectKeyId)
	}

	// Pointers.
	if p.Distribution {
		if len(cert.CRLDistributionPoints) == 0 || len(cert.IssuingCertificateURL) == 0 {
			add("missing CRL distribution point or AIA caIssuers")
		}
		for _, u := range append(slices.Clone(cert.CRLDistributionPoints), cert.IssuingCertificateURL...) {
			if pu, err := url.Parse(u); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
				add("pointer %q is not an absolute http(s) URL", u)
			}
		}
	} else if len(cert.CRLDistributionPoints)+len(cert.IssuingCertificateURL)+len(cert.OCSPServer) > 0 {
		add("CRL/AIA pointers on a profile without distribution")
	}
	switch {
	case p.OCSP && p.IsCA:
		add("an OCSP pointer on a CA profile")
	case p.OCSP && len(cert.OCSPServer) != 1:
		add("missing AIA OCSP responder URL")
	case !p.OCSP && len(cert.OCSPServer) > 0:
		add("an OCSP pointer on a profile without OCSP")
	}

	probs = append(probs, serviceProblems(cert, p)...)

	// Signature algorithm of a parsed certificate follows the issuer's key.
	if cert.SignatureAlgorithm != x509.UnknownSignatureAlgorithm {
		if pub, ok := issuer.PublicKey.(*ecdsa.PublicKey); ok && pub.Curve == sm2.P256() && cert.SignatureAlgorithm != smx509.SM2WithSM3 {
			add("signed by an SM2 key with %v, want SM2-with-SM3", cert.SignatureAlgorithm)
		}
	}

	if len(probs) > 0 {
		return fmt.Errorf("%w: %s certificate %q: %s", ErrLint, p.Role, cert.Subject.CommonName, strings.Join(probs, "; "))
	}
	return nil
}

// pathLen is the pathLenConstraint of c, -1 when absent.
func pathLen(c *x509.Certificate) int {
	if c.MaxPathLen > 0 || (c.MaxPathLen == 0 && c.MaxPathLenZero) {
		return c.MaxPathLen
	}
	return -1
}

// isRoot reports whether c is a self-signed CA certificate: issued by its
// own subject, under its own key identifier.
func isRoot(c *x509.Certificate) bool {
	return c.IsCA && bytes.Equal(c.RawIssuer, c.RawSubject) &&
		(len(c.AuthorityKeyId) == 0 || bytes.Equal(c.AuthorityKeyId, c.SubjectKeyId))
}
