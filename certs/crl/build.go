package crl

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Issuer is a CA that signs CRLs: its certificate (with cRLSign and a
// subject key identifier) and its key.
type Issuer struct {
	Certificate *smx509.Certificate
	Key         crypto.Signer
}

// Template is what varies between two CRLs of one issuer.
type Template struct {
	Number     *big.Int
	ThisUpdate time.Time
	NextUpdate time.Time
	// Rand is the signature's randomness; nil is crypto/rand.
	Rand io.Reader
}

var (
	oidAuthorityKeyID      = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidCRLNumber           = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidReasonCode          = asn1.ObjectIdentifier{2, 5, 29, 21}
	oidInvalidityDate      = asn1.ObjectIdentifier{2, 5, 29, 24}
	oidSignatureSM2WithSM3 = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 501}
	oidECDSAWithSHA256     = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
)

// Build returns the DER CRL listing entries, signed by iss: SM2-with-SM3
// for an SM2 key, ecdsa-with-SHA256 for P-256. Times are written in UTC,
// truncated to the second (UTCTime until 2049, GeneralizedTime after, as
// RFC 5280 §5.1.2.4 says). The signature is checked with the issuer
// certificate before the CRL is returned.
func Build(iss Issuer, entries []Entry, t Template) ([]byte, error) {
	if iss.Certificate == nil || iss.Key == nil {
		return nil, fmt.Errorf("%w: an issuer needs a certificate and a key", ErrInvalid)
	}
	c := iss.Certificate
	if c.KeyUsage&x509.KeyUsageCRLSign == 0 || !c.IsCA || len(c.SubjectKeyId) == 0 {
		return nil, fmt.Errorf("%w: %q is not a CA with cRLSign and a subject key identifier", ErrInvalid, c.Subject.CommonName)
	}
	if k, ok := iss.Key.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !k.Equal(c.PublicKey) {
		return nil, fmt.Errorf("%w: the key is not the CA's", ErrInvalid)
	}
	if t.Number == nil || t.Number.Sign() < 0 || t.Number.BitLen() > 159 {
		return nil, fmt.Errorf("%w: CRL number must be a non-negative integer of at most 20 octets", ErrInvalid)
	}
	this, next := t.ThisUpdate.UTC().Truncate(time.Second), t.NextUpdate.UTC().Truncate(time.Second)
	if this.IsZero() || !next.After(this) {
		return nil, fmt.Errorf("%w: nextUpdate %s is not after thisUpdate %s", ErrInvalid, next, this)
	}
	for i, e := range entries {
		switch {
		case e.Serial == nil || e.Serial.Sign() <= 0:
			return nil, fmt.Errorf("%w: entry %d: serial must be positive", ErrInvalid, i)
		case e.RevokedAt.IsZero():
			return nil, fmt.Errorf("%w: entry %d (serial %x): no revocation time", ErrInvalid, i, e.Serial)
		case !e.Reason.Valid():
			return nil, fmt.Errorf("%w: entry %d (serial %x): reason code %d", ErrInvalid, i, e.Serial, int(e.Reason))
		}
	}
	alg, algo, err := signatureAlgorithm(iss.Key.Public())
	if err != nil {
		return nil, err
	}

	b := cryptobyte.NewBuilder(make([]byte, 0, 256+len(entries)*48))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // TBSCertList
		b.AddASN1Int64(1) // v2
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(alg) })
		b.AddBytes(c.RawSubject)
		addTime(b, this)
		addTime(b, next)
		if len(entries) > 0 {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				for _, e := range entries {
					addEntry(b, e)
				}
			})
		}
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				addExtension(b, oidAuthorityKeyID, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1(cbasn1.Tag(0).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(c.SubjectKeyId) })
					})
				})
				addExtension(b, oidCRLNumber, func(b *cryptobyte.Builder) { b.AddASN1BigInt(t.Number) })
			})
		})
	})
	tbs, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("crl: encode TBSCertList: %w", err)
	}
	r := t.Rand
	if r == nil {
		r = rand.Reader
	}
	var sig []byte
	if algo == smx509.SM2WithSM3 {
		sig, err = iss.Key.Sign(r, tbs, sm2.DefaultSM2SignerOpts)
	} else {
		d := sha256.Sum256(tbs)
		sig, err = iss.Key.Sign(r, d[:], crypto.SHA256)
	}
	if err != nil {
		return nil, fmt.Errorf("crl: sign the CRL of %s: %w", c.Subject.CommonName, err)
	}
	if err := c.CheckSignature(algo, tbs, sig); err != nil {
		return nil, fmt.Errorf("crl: the key returned a signature that does not verify: %w", err)
	}
	out := cryptobyte.NewBuilder(make([]byte, 0, len(tbs)+len(sig)+32))
	out.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbs)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(alg) })
		b.AddASN1BitString(sig)
	})
	return out.Bytes()
}

func signatureAlgorithm(pub crypto.PublicKey) (asn1.ObjectIdentifier, x509.SignatureAlgorithm, error) {
	if k, ok := pub.(*ecdsa.PublicKey); ok {
		switch {
		case sm2.IsSM2PublicKey(k):
			return oidSignatureSM2WithSM3, smx509.SM2WithSM3, nil
		case k.Curve == elliptic.P256():
			return oidECDSAWithSHA256, x509.ECDSAWithSHA256, nil
		}
	}
	return nil, 0, fmt.Errorf("%w: CRL signing key %T (want SM2 or ECDSA P-256)", ErrInvalid, pub)
}

func addEntry(b *cryptobyte.Builder, e Entry) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(e.Serial)
		addTime(b, e.RevokedAt.UTC().Truncate(time.Second))
		if e.Reason == Unspecified && e.InvalidityDate.IsZero() {
			return
		}
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			if e.Reason != Unspecified { // RFC 5280 §5.3.1: omit unspecified
				addExtension(b, oidReasonCode, func(b *cryptobyte.Builder) { b.AddASN1Enum(int64(e.Reason)) })
			}
			if !e.InvalidityDate.IsZero() {
				addExtension(b, oidInvalidityDate, func(b *cryptobyte.Builder) {
					b.AddASN1GeneralizedTime(e.InvalidityDate.UTC().Truncate(time.Second))
				})
			}
		})
	})
}

func addExtension(b *cryptobyte.Builder, oid asn1.ObjectIdentifier, value func(*cryptobyte.Builder)) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		b.AddASN1(cbasn1.OCTET_STRING, value)
	})
}

// addTime writes UTCTime through 2049 and GeneralizedTime from 2050.
func addTime(b *cryptobyte.Builder, t time.Time) {
	if t.Year() >= 1950 && t.Year() < 2050 {
		b.AddASN1UTCTime(t)
		return
	}
	b.AddASN1GeneralizedTime(t)
}
