package pathval

import (
	"bytes"
	"crypto/dsa" //nolint:staticcheck // to recognise DSA keys
	"crypto/rsa"
	"encoding/asn1"
	"strings"

	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var (
	oidAuthorityKeyID = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidSubjectKeyID   = asn1.ObjectIdentifier{2, 5, 29, 14}
)

func findExt(c *smx509.Certificate, oid asn1.ObjectIdentifier) (critical, present bool, value []byte) {
	for _, e := range c.Extensions {
		if e.Id.Equal(oid) {
			return e.Critical, true, e.Value
		}
	}
	return false, false, nil
}

// wellFormed applies the RFC 5280 §4 profile rules a validator can see:
// serial numbers, keyCertSign only with cA, name and policy constraints only
// in CA certificates and critical (policyConstraints are not held to
// criticality: PKITS uses non-critical ones in valid paths), a critical subjectAltName when the
// subject is empty, key identifiers, acceptable keys, and subjectAltName
// syntax. Serial number rules are not applied to trust anchors (long-lived
// roots in use carry serial zero). ca is whether c is used as an issuer (or anchor).
func wellFormed(c *smx509.Certificate, depth int, ca, anchor, allowDSA bool) *Error {
	if c.SerialNumber == nil || (c.SerialNumber.Sign() == 0 && !anchor) {
		return fail(ReasonMalformed, depth, "serial number zero")
	}
	if b := c.SerialNumber.Bytes(); c.SerialNumber.Sign() > 0 && !anchor && len(b)+int(b[0]>>7) > 20 {
		return fail(ReasonMalformed, depth, "serial number longer than 20 octets")
	}
	isCA := c.BasicConstraintsValid && c.IsCA
	if c.KeyUsage&smx509.KeyUsageCertSign != 0 && !isCA {
		return fail(ReasonMalformed, depth, "keyCertSign without basicConstraints cA")
	}
	if crit, ok, _ := findExt(c, asn1.ObjectIdentifier(oidNameConstraints)); ok && (!crit || !isCA) {
		return fail(ReasonMalformed, depth, "nameConstraints must be critical and only in CA certificates")
	}
	if len(c.RawSubject) <= 2 {
		if crit, ok, _ := findExt(c, asn1.ObjectIdentifier(oidSubjectAltName)); !ok || !crit {
			return fail(ReasonMalformed, depth, "empty subject needs a critical subjectAltName")
		}
	}
	selfSigned := bytes.Equal(c.RawSubject, c.RawIssuer)
	if _, ok, _ := findExt(c, oidAuthorityKeyID); !ok && !selfSigned {
		return fail(ReasonMalformed, depth, "authorityKeyIdentifier missing")
	}
	if ca && !anchor {
		if _, ok, _ := findExt(c, oidSubjectKeyID); !ok {
			return fail(ReasonMalformed, depth, "CA certificate without subjectKeyIdentifier")
		}
	}
	if anchor {
		if _, ok, v := findExt(c, oidAuthorityKeyID); ok && selfSigned && !anchorAKIOK(v, c.SubjectKeyId) {
			return fail(ReasonMalformed, depth, "self-signed root's authorityKeyIdentifier must hold only its own key identifier")
		}
	}
	switch k := c.PublicKey.(type) {
	case *dsa.PublicKey:
		if allowDSA {
			break
		}
		return fail(ReasonMalformed, depth, "DSA keys are not accepted")
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits < 2048 || bits%8 != 0 {
			return fail(ReasonMalformed, depth, "RSA key of %d bits", bits)
		}
	}
	for _, d := range c.DNSNames {
		if !validDNSName(d) {
			return fail(ReasonMalformed, depth, "subjectAltName dNSName %q is not a host name", d)
		}
	}
	for _, m := range c.EmailAddresses {
		if at := strings.IndexByte(m, '@'); at <= 0 || at == len(m)-1 || strings.Count(m, "@") != 1 {
			return fail(ReasonMalformed, depth, "subjectAltName rfc822Name %q is not a mailbox", m)
		}
	}
	return nil
}

// anchorAKIOK: only a keyIdentifier, equal to the subjectKeyIdentifier when
// that is present.
func anchorAKIOK(v, ski []byte) bool {
	in := cryptobyte.String(v)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return false
	}
	var kid cryptobyte.String
	if !seq.ReadASN1(&kid, cbasn1.Tag(0).ContextSpecific()) || !seq.Empty() {
		return false
	}
	return ski == nil || bytes.Equal(kid, ski)
}

// validDNSName accepts the preferred name syntax (RFC 1034 §3.5, letters,
// digits, hyphens) with an optional leading "*" label.
func validDNSName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for i, label := range strings.Split(s, ".") {
		if label == "*" && i == 0 {
			continue
		}
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, ch := range label {
			if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-') {
				return false
			}
		}
	}
	return true
}
