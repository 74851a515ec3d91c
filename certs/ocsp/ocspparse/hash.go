package ocspparse

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"hash"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Hash is a CertID hash algorithm.
type Hash int

// CertID hash algorithms.
const (
	SHA1 Hash = iota + 1
	SHA256
	SM3
)

var (
	oidSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSM3    = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 401}
)

func (h Hash) String() string {
	switch h {
	case SHA1:
		return "SHA-1"
	case SHA256:
		return "SHA-256"
	case SM3:
		return "SM3"
	}
	return "unknown"
}

// OID is the algorithm identifier.
func (h Hash) OID() asn1.ObjectIdentifier {
	switch h {
	case SHA1:
		return oidSHA1
	case SHA256:
		return oidSHA256
	case SM3:
		return oidSM3
	}
	return nil
}

// New returns a new hash.Hash of the algorithm; nil for an unknown one.
func (h Hash) New() hash.Hash {
	switch h {
	case SHA1:
		return sha1.New()
	case SHA256:
		return sha256.New()
	case SM3:
		return sm3.New()
	}
	return nil
}

// Sum returns the digest of b.
func (h Hash) Sum(b []byte) []byte {
	d := h.New()
	d.Write(b)
	return d.Sum(nil)
}

func hashFromOID(oid asn1.ObjectIdentifier) (Hash, bool) {
	for _, h := range []Hash{SHA1, SHA256, SM3} {
		if oid.Equal(h.OID()) {
			return h, true
		}
	}
	return 0, false
}

// IssuerHashes returns H(issuer subject DN) and H(issuer subjectPublicKey
// BIT STRING contents), the CertID fields of RFC 6960 §4.1.1.
func IssuerHashes(h Hash, issuer *smx509.Certificate) (name, key []byte, err error) {
	pk, err := PublicKeyBits(issuer.RawSubjectPublicKeyInfo)
	if err != nil {
		return nil, nil, err
	}
	if h.New() == nil {
		return nil, nil, fmt.Errorf("%w: CertID hash %d", ErrUnsupported, int(h))
	}
	return h.Sum(issuer.RawSubject), h.Sum(pk), nil
}

// PublicKeyBits returns the subjectPublicKey bits of a DER
// SubjectPublicKeyInfo.
func PublicKeyBits(spki []byte) ([]byte, error) {
	s := cryptobyte.String(spki)
	var body cryptobyte.String
	var bits asn1.BitString
	if !s.ReadASN1(&body, cbasn1.SEQUENCE) || !body.SkipASN1(cbasn1.SEQUENCE) || !body.ReadASN1BitString(&bits) {
		return nil, fmt.Errorf("%w: SubjectPublicKeyInfo", ErrMalformed)
	}
	return bits.RightAlign(), nil
}
