package cms

import (
	"bytes"
	"encoding/asn1"
	"fmt"
	"math/big"
	"slices"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Attribute is a CMS attribute: its type and the complete DER encoding
// (tag, length, value) of each of its values.
type Attribute struct {
	Type   asn1.ObjectIdentifier
	Values [][]byte
}

// ESSCertID is one entry of a signingCertificate (ESS v1, SHA-1) or
// signingCertificateV2 attribute.
type ESSCertID struct {
	HashAlgorithm asn1.ObjectIdentifier // SHA-1 for v1; SHA-256 when v2 omits it
	Hash          []byte
	// SerialNumber is the issuerSerial's serial number, nil when absent.
	SerialNumber *big.Int
}

// encodeAttributeSet encodes attrs as a DER SET OF Attribute with the
// given outer tag (SET for signing, [0]/[1] IMPLICIT in a SignerInfo):
// the encoded attributes are sorted bytewise as DER requires.
func encodeAttributeSet(attrs []Attribute, tag cbasn1.Tag) ([]byte, error) {
	enc := make([][]byte, 0, len(attrs))
	for _, a := range attrs {
		for _, v := range a.Values {
			s := cryptobyte.String(v)
			var el cryptobyte.String
			var t cbasn1.Tag
			if !s.ReadAnyASN1Element(&el, &t) || !s.Empty() {
				return nil, fmt.Errorf("cms: a value of attribute %s is not one DER element", a.Type)
			}
		}
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(a.Type)
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
				vals := slices.Clone(a.Values)
				slices.SortFunc(vals, bytes.Compare)
				for _, v := range vals {
					b.AddBytes(v)
				}
			})
		})
		e, err := b.Bytes()
		if err != nil {
			return nil, fmt.Errorf("cms: encoding attribute %s: %w", a.Type, err)
		}
		enc = append(enc, e)
	}
	slices.SortFunc(enc, bytes.Compare)
	var b cryptobyte.Builder
	b.AddASN1(tag, func(b *cryptobyte.Builder) {
		for _, e := range enc {
			b.AddBytes(e)
		}
	})
	return b.Bytes()
}

// derOID returns the DER encoding of an OBJECT IDENTIFIER value.
func derOID(oid asn1.ObjectIdentifier) []byte {
	var b cryptobyte.Builder
	b.AddASN1ObjectIdentifier(oid)
	return b.BytesOrPanic()
}

// derOctets returns the DER encoding of an OCTET STRING.
func derOctets(v []byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1OctetString(v)
	return b.BytesOrPanic()
}

// derTime encodes t as UTCTime for 1950–2049 and GeneralizedTime otherwise
// (RFC 5652 §11.3), in UTC with whole seconds.
func derTime(t time.Time) ([]byte, error) {
	t = t.UTC().Truncate(time.Second)
	var b cryptobyte.Builder
	if y := t.Year(); y >= 1950 && y < 2050 {
		b.AddASN1UTCTime(t)
	} else {
		b.AddASN1GeneralizedTime(t)
	}
	return b.Bytes()
}

// essCertIDv2 encodes a SigningCertificateV2 value naming one certificate.
// hashAlg nil means SHA-256, which DER requires to be omitted (DEFAULT).
func essSigningCertificateV2(hashAlg asn1.ObjectIdentifier, hashParamsNull bool, certHash, rawIssuer []byte, serial *big.Int) ([]byte, error) {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SigningCertificateV2
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // certs
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ESSCertIDv2
				if hashAlg != nil {
					addAlgorithmIdentifier(b, hashAlg, hashParamsNull)
				}
				b.AddASN1OctetString(certHash)
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerSerial
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // GeneralNames
						b.AddASN1(cbasn1.Tag(4).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
							b.AddBytes(rawIssuer) // directoryName
						})
					})
					b.AddASN1BigInt(serial)
				})
			})
		})
	})
	return b.Bytes()
}

// addAlgorithmIdentifier writes SEQUENCE { oid, NULL? }.
func addAlgorithmIdentifier(b *cryptobyte.Builder, oid asn1.ObjectIdentifier, null bool) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		if null {
			b.AddASN1NULL()
		}
	})
}

// parseESSCertIDs reads a SigningCertificate (v2 when v2 is true) value.
func parseESSCertIDs(val []byte, v2 bool) ([]ESSCertID, error) {
	in := cryptobyte.String(val)
	var sc, certs cryptobyte.String
	if !in.ReadASN1(&sc, cbasn1.SEQUENCE) || !in.Empty() || !sc.ReadASN1(&certs, cbasn1.SEQUENCE) {
		return nil, fmt.Errorf("%w: signingCertificate attribute", ErrMalformed)
	}
	var out []ESSCertID
	for !certs.Empty() {
		if len(out) >= maxESSCertIDs {
			return nil, fmt.Errorf("%w: more than %d ESS certificate identifiers", ErrTooLarge, maxESSCertIDs)
		}
		var id cryptobyte.String
		if !certs.ReadASN1(&id, cbasn1.SEQUENCE) {
			return nil, fmt.Errorf("%w: ESSCertID", ErrMalformed)
		}
		e := ESSCertID{HashAlgorithm: OIDDigestSHA1}
		if v2 {
			e.HashAlgorithm = OIDDigestSHA256
			if id.PeekASN1Tag(cbasn1.SEQUENCE) {
				oid, _, err := readAlgorithmIdentifier(&id)
				if err != nil {
					return nil, err
				}
				e.HashAlgorithm = oid
			}
		}
		var h []byte
		if !id.ReadASN1Bytes(&h, cbasn1.OCTET_STRING) {
			return nil, fmt.Errorf("%w: ESSCertID hash", ErrMalformed)
		}
		e.Hash = h
		if !id.Empty() {
			var is, names cryptobyte.String
			serial := new(big.Int)
			if !id.ReadASN1(&is, cbasn1.SEQUENCE) || !is.ReadASN1(&names, cbasn1.SEQUENCE) || !is.ReadASN1Integer(serial) {
				return nil, fmt.Errorf("%w: ESSCertID issuerSerial", ErrMalformed)
			}
			e.SerialNumber = serial
		}
		out = append(out, e)
	}
	return out, nil
}

// maxESSCertIDs caps the identifiers read from one attribute.
const maxESSCertIDs = 32
