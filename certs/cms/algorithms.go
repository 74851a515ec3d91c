package cms

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"fmt"
	"hash"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
)

// Object identifiers used in SignedData.
var (
	OIDData       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	OIDSignedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	// GM/T 0010 content types, accepted when parsing.
	OIDDataGM       = asn1.ObjectIdentifier{1, 2, 156, 10197, 6, 1, 4, 2, 1}
	OIDSignedDataGM = asn1.ObjectIdentifier{1, 2, 156, 10197, 6, 1, 4, 2, 2}
	// OIDTSTInfo is the content type of an RFC 3161 time-stamp token.
	OIDTSTInfo = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}

	OIDAttributeContentType          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	OIDAttributeMessageDigest        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	OIDAttributeSigningTime          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	OIDAttributeSigningCertificate   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	OIDAttributeSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	// OIDAttributeTimeStampToken is the unsigned signature-time-stamp
	// attribute (RFC 3161 token over the signature value).
	OIDAttributeTimeStampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}

	OIDDigestSM3    = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 401}
	OIDDigestSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	OIDDigestSHA224 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 4}
	OIDDigestSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	OIDDigestSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	OIDDigestSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}

	// OIDSignatureSM2 is GM/T 0010 "sm2-1", written by SignDetached.
	OIDSignatureSM2 = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 301, 1}
	// OIDSignatureSM2WithSM3 (GM/T 0006) and OIDPublicKeySM2 are accepted
	// when parsing.
	OIDSignatureSM2WithSM3 = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 501}
	OIDPublicKeySM2        = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 301}

	OIDPublicKeyECDSA  = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	OIDECDSAWithSHA1   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}
	OIDECDSAWithSHA224 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 1}
	OIDECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	OIDECDSAWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	OIDECDSAWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
	OIDRSAEncryption   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	OIDSHA1WithRSA     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	OIDSHA256WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	OIDSHA384WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	OIDSHA512WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	OIDSHA224WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 14}
	OIDRSAPSS          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	OIDMGF1            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
	OIDEd25519         = asn1.ObjectIdentifier{1, 3, 101, 112}
)

// digestID enumerates the digest algorithms this package knows.
type digestID uint8

const (
	digestUnknown digestID = iota
	digestSHA1
	digestSHA224
	digestSHA256
	digestSHA384
	digestSHA512
	digestSM3
)

func digestFromOID(oid asn1.ObjectIdentifier) digestID {
	switch {
	case oid.Equal(OIDDigestSM3):
		return digestSM3
	case oid.Equal(OIDDigestSHA256):
		return digestSHA256
	case oid.Equal(OIDDigestSHA384):
		return digestSHA384
	case oid.Equal(OIDDigestSHA512):
		return digestSHA512
	case oid.Equal(OIDDigestSHA224):
		return digestSHA224
	case oid.Equal(OIDDigestSHA1):
		return digestSHA1
	}
	return digestUnknown
}

func (d digestID) new() hash.Hash {
	switch d {
	case digestSM3:
		return sm3.New()
	case digestSHA256:
		return sha256.New()
	case digestSHA384:
		return sha512.New384()
	case digestSHA512:
		return sha512.New()
	case digestSHA224:
		return sha256.New224()
	case digestSHA1:
		return sha1.New()
	}
	return nil
}

// cryptoHash is the crypto.Hash of d, 0 for SM3 and unknown digests.
func (d digestID) cryptoHash() crypto.Hash {
	switch d {
	case digestSHA1:
		return crypto.SHA1
	case digestSHA224:
		return crypto.SHA224
	case digestSHA256:
		return crypto.SHA256
	case digestSHA384:
		return crypto.SHA384
	case digestSHA512:
		return crypto.SHA512
	}
	return 0
}

func (d digestID) String() string {
	switch d {
	case digestSHA1:
		return "SHA1"
	case digestSHA224:
		return "SHA224"
	case digestSHA256:
		return "SHA256"
	case digestSHA384:
		return "SHA384"
	case digestSHA512:
		return "SHA512"
	case digestSM3:
		return "SM3"
	}
	return "unknown"
}

func (d digestID) oid() asn1.ObjectIdentifier {
	switch d {
	case digestSHA1:
		return OIDDigestSHA1
	case digestSHA224:
		return OIDDigestSHA224
	case digestSHA256:
		return OIDDigestSHA256
	case digestSHA384:
		return OIDDigestSHA384
	case digestSHA512:
		return OIDDigestSHA512
	case digestSM3:
		return OIDDigestSM3
	}
	return nil
}

// Digest is a digest algorithm a signer uses for the content and the
// signed attributes.
type Digest struct {
	id digestID
}

// Name is "SM3", "SHA256", "SHA384" …
func (d Digest) Name() string { return d.id.String() }

// OID is the digest algorithm identifier.
func (d Digest) OID() asn1.ObjectIdentifier { return d.id.oid() }

// Size is the digest length in bytes.
func (d Digest) Size() int {
	switch d.id {
	case digestSHA1:
		return 20
	case digestSHA224:
		return 28
	case digestSHA256, digestSM3:
		return 32
	case digestSHA384:
		return 48
	case digestSHA512:
		return 64
	}
	return 0
}

// New returns a new hash of this algorithm (nil for the zero Digest).
func (d Digest) New() hash.Hash { return d.id.new() }

// DigestFor returns the digest algorithm SignDetached uses for a key: SM3
// for SM2, SHA-256 for ECDSA P-256 and RSA, SHA-384 for P-384, SHA-512 for
// P-521. Callers hash the content with it before calling SignDetached.
func DigestFor(pub crypto.PublicKey) (Digest, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if sm2.IsSM2PublicKey(k) {
			return Digest{digestSM3}, nil
		}
		switch k.Curve {
		case elliptic.P256():
			return Digest{digestSHA256}, nil
		case elliptic.P384():
			return Digest{digestSHA384}, nil
		case elliptic.P521():
			return Digest{digestSHA512}, nil
		}
		return Digest{}, fmt.Errorf("%w: ECDSA key on %s", ErrUnsupportedAlgorithm, keyName(k))
	case *rsa.PublicKey:
		return Digest{digestSHA256}, nil
	}
	return Digest{}, fmt.Errorf("%w: key type %T", ErrUnsupportedAlgorithm, pub)
}

// sigKind is the family of a signature algorithm.
type sigKind uint8

const (
	sigUnknown sigKind = iota
	sigSM2
	sigECDSA
	sigRSA
	sigRSAPSS
	sigEd25519
)

// signatureKind classifies a SignerInfo signatureAlgorithm. implied is the
// digest a combined identifier names (digestUnknown when it names none).
func signatureKind(oid asn1.ObjectIdentifier) (kind sigKind, implied digestID) {
	switch {
	case oid.Equal(OIDSignatureSM2), oid.Equal(OIDPublicKeySM2):
		return sigSM2, digestUnknown
	case oid.Equal(OIDSignatureSM2WithSM3):
		return sigSM2, digestSM3
	case oid.Equal(OIDPublicKeyECDSA):
		return sigECDSA, digestUnknown
	case oid.Equal(OIDECDSAWithSHA256):
		return sigECDSA, digestSHA256
	case oid.Equal(OIDECDSAWithSHA384):
		return sigECDSA, digestSHA384
	case oid.Equal(OIDECDSAWithSHA512):
		return sigECDSA, digestSHA512
	case oid.Equal(OIDECDSAWithSHA224):
		return sigECDSA, digestSHA224
	case oid.Equal(OIDECDSAWithSHA1):
		return sigECDSA, digestSHA1
	case oid.Equal(OIDRSAEncryption):
		return sigRSA, digestUnknown
	case oid.Equal(OIDSHA256WithRSA):
		return sigRSA, digestSHA256
	case oid.Equal(OIDSHA384WithRSA):
		return sigRSA, digestSHA384
	case oid.Equal(OIDSHA512WithRSA):
		return sigRSA, digestSHA512
	case oid.Equal(OIDSHA224WithRSA):
		return sigRSA, digestSHA224
	case oid.Equal(OIDSHA1WithRSA):
		return sigRSA, digestSHA1
	case oid.Equal(OIDRSAPSS):
		return sigRSAPSS, digestUnknown
	case oid.Equal(OIDEd25519):
		return sigEd25519, digestUnknown
	}
	return sigUnknown, digestUnknown
}

// curveName is the short name used in algorithm names.
func curveName(c elliptic.Curve) string {
	switch c {
	case elliptic.P256():
		return "P256"
	case elliptic.P384():
		return "P384"
	case elliptic.P521():
		return "P521"
	}
	return ""
}
