package cms

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"sihub/hsm"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// SignOptions configures SignDetached.
type SignOptions struct {
	// Signer is the private key; for SM2 it is called with
	// sm2.DefaultSM2SignerOpts and the whole signed attributes.
	Signer crypto.Signer
	// Certificate is the signer's certificate; its key must be Signer's.
	Certificate *smx509.Certificate
	// Chain are further certificates to embed (intermediates; the root is
	// not needed). Nil entries and copies of Certificate are skipped.
	Chain []*smx509.Certificate
	// SigningTime is written as the signingTime attribute. It must be set
	// unless OmitSigningTime is true (PAdES baseline signatures may carry
	// the time in the signature dictionary's /M only).
	SigningTime     time.Time
	OmitSigningTime bool
	// ExtraSignedAttributes are added to the signed attributes; they may not
	// repeat one of the attributes SignDetached writes itself.
	ExtraSignedAttributes []Attribute
	// UnsignedAttributes, if set, is called with the signature value and
	// returns unsigned attributes to add (e.g. a signature time-stamp token
	// under OIDAttributeTimeStampToken).
	UnsignedAttributes func(signature []byte) ([]Attribute, error)
	// Rand is the randomness for the signature; nil means crypto/rand.
	Rand io.Reader
	// OmitCertificates leaves the certificates field out (an RFC 3161 token
	// when the request did not ask for the TSA's certificate); the verifier
	// must then supply the signer's certificate.
	OmitCertificates bool
}

// SignDetached returns a DER ContentInfo holding a detached SignedData
// whose one SignerInfo signs contentDigest, the digest of the content
// computed with DigestFor(o.Signer.Public()).
//
// The signature the key returns is verified before it is used, so a key
// that signs wrongly (for instance ECDSA on the SM2 curve, as a PKCS#11 token
// without SM2 does) is reported as ErrBadSignature rather than embedded.
func SignDetached(contentDigest []byte, o SignOptions) ([]byte, error) {
	return signedData(contentDigest, OIDData, nil, o)
}

// signedData builds the ContentInfo for SignDetached (eContent nil) and
// SignAttached.
func signedData(contentDigest []byte, contentType asn1.ObjectIdentifier, eContent []byte, o SignOptions) ([]byte, error) {
	if o.Signer == nil || o.Certificate == nil {
		return nil, errors.New("cms: signing needs a signer and its certificate")
	}
	if o.Certificate.SerialNumber == nil || len(o.Certificate.RawIssuer) == 0 || len(o.Certificate.Raw) == 0 {
		return nil, errors.New("cms: the signer certificate was not parsed (no raw issuer or serial)")
	}
	pub := o.Signer.Public()
	if k, ok := pub.(interface{ Equal(crypto.PublicKey) bool }); !ok || !k.Equal(o.Certificate.PublicKey) {
		return nil, ErrKeyMismatch
	}
	d, err := DigestFor(pub)
	if err != nil {
		return nil, err
	}
	if len(contentDigest) != d.Size() {
		return nil, fmt.Errorf("cms: content digest is %d bytes, %s needs %d", len(contentDigest), d.Name(), d.Size())
	}
	kind, sigOID, sigNull := signingAlgorithm(pub, d)
	if !o.OmitSigningTime && o.SigningTime.IsZero() {
		return nil, errors.New("cms: signing needs a signing time")
	}

	attrs, err := standardSignedAttributes(contentDigest, contentType, d, o)
	if err != nil {
		return nil, err
	}
	signedAttrs, err := encodeAttributeSet(attrs, cbasn1.SET)
	if err != nil {
		return nil, err
	}

	rnd := o.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	sig, err := signAttributes(o.Signer, kind, d, signedAttrs, rnd)
	if err != nil {
		return nil, fmt.Errorf("cms: signing: %w", err)
	}
	// A faulty device is caught here, unless hsm already checked this
	// signature (a VerifyingKey): one software check per signature is enough.
	if !hsm.Verified(o.Signer) {
		if err := verifySignature(pub, kind, d.id, nil, signedAttrs, sig, false); err != nil {
			return nil, fmt.Errorf("cms: the key returned a signature that does not verify: %w", err)
		}
	}

	var unsigned []byte
	if o.UnsignedAttributes != nil {
		ua, err := o.UnsignedAttributes(sig)
		if err != nil {
			return nil, fmt.Errorf("cms: unsigned attributes: %w", err)
		}
		if len(ua) > 0 {
			if unsigned, err = encodeAttributeSet(ua, cbasn1.Tag(1).Constructed().ContextSpecific()); err != nil {
				return nil, err
			}
		}
	}

	// The signed attributes go into the SignerInfo as [0] IMPLICIT.
	signedAttrs[0] = 0xA0
	digestNull := d.id == digestSM3

	// RFC 5652 §5.1: version 3 when the content is not id-data.
	version := int64(1)
	if !contentType.Equal(OIDData) {
		version = 3
	}
	size := len(signedAttrs) + len(sig) + len(unsigned) + len(o.Certificate.Raw) + len(eContent) + 512
	for _, c := range o.Chain {
		if c != nil {
			size += len(c.Raw)
		}
	}
	b := cryptobyte.NewBuilder(make([]byte, 0, size))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
		b.AddASN1ObjectIdentifier(OIDSignedData)
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
				b.AddASN1Int64(version)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					addAlgorithmIdentifier(b, d.OID(), digestNull)
				})
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // EncapsulatedContentInfo
					b.AddASN1ObjectIdentifier(contentType)
					if eContent != nil {
						b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
							b.AddASN1OctetString(eContent)
						})
					}
				})
				if !o.OmitCertificates {
					b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						b.AddBytes(o.Certificate.Raw)
						for _, c := range o.Chain {
							if c != nil && !c.Equal(o.Certificate) {
								b.AddBytes(c.Raw)
							}
						}
					})
				}
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignerInfo
						b.AddASN1Int64(1)
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerAndSerialNumber
							b.AddBytes(o.Certificate.RawIssuer)
							b.AddASN1BigInt(o.Certificate.SerialNumber)
						})
						addAlgorithmIdentifier(b, d.OID(), digestNull)
						b.AddBytes(signedAttrs)
						addAlgorithmIdentifier(b, sigOID, sigNull)
						b.AddASN1OctetString(sig)
						if unsigned != nil {
							b.AddBytes(unsigned)
						}
					})
				})
			})
		})
	})
	out, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("cms: encoding SignedData: %w", err)
	}
	return out, nil
}

// signingAlgorithm picks the SignerInfo signature algorithm for a key.
func signingAlgorithm(pub crypto.PublicKey, d Digest) (kind sigKind, oid asn1.ObjectIdentifier, null bool) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if sm2.IsSM2PublicKey(k) {
			return sigSM2, OIDSignatureSM2, true
		}
		switch d.id {
		case digestSHA384:
			return sigECDSA, OIDECDSAWithSHA384, false
		case digestSHA512:
			return sigECDSA, OIDECDSAWithSHA512, false
		}
		return sigECDSA, OIDECDSAWithSHA256, false
	}
	return sigRSA, OIDSHA256WithRSA, true
}

// standardSignedAttributes lists contentType, messageDigest, signingTime
// and signingCertificateV2, then the caller's extra attributes.
func standardSignedAttributes(contentDigest []byte, contentType asn1.ObjectIdentifier, d Digest, o SignOptions) ([]Attribute, error) {
	cert := o.Certificate
	var certHash []byte
	var hashAlg asn1.ObjectIdentifier // nil: SHA-256, the DEFAULT
	if d.id == digestSM3 {
		h := sm3.Sum(cert.Raw)
		certHash = h[:]
		hashAlg = OIDDigestSM3
	} else {
		h := digestSHA256.new()
		h.Write(cert.Raw)
		certHash = h.Sum(nil)
	}
	ess, err := essSigningCertificateV2(hashAlg, hashAlg != nil, certHash, cert.RawIssuer, cert.SerialNumber)
	if err != nil {
		return nil, fmt.Errorf("cms: encoding signingCertificateV2: %w", err)
	}
	attrs := make([]Attribute, 0, 4+len(o.ExtraSignedAttributes))
	attrs = append(attrs,
		Attribute{Type: OIDAttributeContentType, Values: [][]byte{derOID(contentType)}},
		Attribute{Type: OIDAttributeMessageDigest, Values: [][]byte{derOctets(contentDigest)}},
		Attribute{Type: OIDAttributeSigningCertificateV2, Values: [][]byte{ess}},
	)
	if !o.OmitSigningTime {
		t, err := derTime(o.SigningTime)
		if err != nil {
			return nil, fmt.Errorf("cms: encoding signing time: %w", err)
		}
		attrs = append(attrs, Attribute{Type: OIDAttributeSigningTime, Values: [][]byte{t}})
	}
	for _, x := range o.ExtraSignedAttributes {
		for _, a := range attrs {
			if a.Type.Equal(x.Type) {
				return nil, fmt.Errorf("cms: extra signed attribute %s repeats a standard one", x.Type)
			}
		}
		if len(x.Values) == 0 {
			return nil, fmt.Errorf("cms: extra signed attribute %s has no value", x.Type)
		}
		attrs = append(attrs, x)
	}
	return attrs, nil
}

// signAttributes signs the DER signed attributes with the key.
func signAttributes(s crypto.Signer, kind sigKind, d Digest, signedAttrs []byte, rnd io.Reader) ([]byte, error) {
	if kind == sigSM2 {
		return s.Sign(rnd, signedAttrs, sm2.DefaultSM2SignerOpts)
	}
	h := d.New()
	h.Write(signedAttrs)
	return s.Sign(rnd, h.Sum(nil), d.id.cryptoHash()) // ECDSA, or RSA PKCS #1 v1.5
}
