// Package sealref reads and writes the SealReference, the CMS signed
// attribute by which a PDF signature names the SESeal (GB/T 38540) it
// applies. It is split from certs/seal, which re-exports every name here,
// so a program that only reads signatures (the verifier, sihub-verify)
// links none of the seal making and drawing code (its picture encoders,
// SVG, key access).
//
// Contract: Marshal writes DER; ParseReference accepts only what Marshal
// writes (DER, the SM3 algorithm, a 32-byte digest, an IA5 esID) of at
// most MaxReferenceSize bytes; every error wraps one of the sentinel
// errors below (the same values as certs/seal's), for errors.Is.
package sealref

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Sentinel errors; certs/seal declares the same values under the same
// names.
var (
	// ErrMalformed: the input is not well-formed DER of the expected
	// structure.
	ErrMalformed = errors.New("seal: malformed data")
	// ErrTooLarge: the input exceeds a parse limit (size or count).
	ErrTooLarge = errors.New("seal: input exceeds a limit")
	// ErrUnsupportedAlgorithm: an algorithm this package does not know.
	ErrUnsupportedAlgorithm = errors.New("seal: unsupported signature algorithm")
	// ErrInvalidRequest: what is to be written is incomplete or
	// inconsistent.
	ErrInvalidRequest = errors.New("seal: invalid request")
)

// OIDAttributeSealReference is the CMS signed attribute by which a PDF
// signature names the SESeal it applies. It lies under 2.999.7447, the
// placeholder arc sihub uses for its private identifiers (as the time-stamp
// policy does) until the agency registers one. Its single value is
//
//	SealReference ::= SEQUENCE {
//	    hashAlgorithm OBJECT IDENTIFIER, -- SM3, 1.2.156.10197.1.401
//	    digest        OCTET STRING,      -- SM3 of the SESeal's DER
//	    esID          IA5String }
var OIDAttributeSealReference = asn1.ObjectIdentifier{2, 999, 7447, 38540, 1}

// OIDSM3 identifies the SM3 hash in a SealReference.
var OIDSM3 = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 401}

// MaxReferenceSize caps an encoded SealReference.
const MaxReferenceSize = 1024

// Reference is a SealReference: the SM3 digest of a seal's DER and its
// esID.
type Reference struct {
	Digest []byte
	ESID   string
}

type referenceDER struct {
	HashAlgorithm asn1.ObjectIdentifier
	Digest        []byte
	ESID          string `asn1:"ia5"`
}

// Marshal encodes r as the DER attribute value.
func (r Reference) Marshal() ([]byte, error) {
	if len(r.Digest) != 32 {
		return nil, fmt.Errorf("%w: reference digest is %d bytes, want 32 (SM3)", ErrInvalidRequest, len(r.Digest))
	}
	out, err := asn1.Marshal(referenceDER{HashAlgorithm: OIDSM3, Digest: r.Digest, ESID: r.ESID})
	if err != nil {
		return nil, fmt.Errorf("%w: reference: %v", ErrInvalidRequest, err)
	}
	return out, nil
}

// ParseReference reads a DER SealReference. Only DER with the SM3 hash
// algorithm and a 32-byte digest is accepted; input above MaxReferenceSize
// fails with ErrTooLarge.
func ParseReference(der []byte) (Reference, error) {
	if len(der) > MaxReferenceSize {
		return Reference{}, fmt.Errorf("%w: seal reference of %d bytes", ErrTooLarge, len(der))
	}
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	var oid asn1.ObjectIdentifier
	var digest, esid cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1ObjectIdentifier(&oid) ||
		!seq.ReadASN1(&digest, cbasn1.OCTET_STRING) ||
		!seq.ReadASN1(&esid, cbasn1.IA5String) || !seq.Empty() {
		return Reference{}, fmt.Errorf("%w: seal reference", ErrMalformed)
	}
	if !oid.Equal(OIDSM3) {
		return Reference{}, fmt.Errorf("%w: seal reference hash %s", ErrUnsupportedAlgorithm, oid)
	}
	if len(digest) != 32 {
		return Reference{}, fmt.Errorf("%w: seal reference digest of %d bytes", ErrMalformed, len(digest))
	}
	for _, c := range esid {
		if c > 0x7f {
			return Reference{}, fmt.Errorf("%w: seal reference esID is not IA5", ErrMalformed)
		}
	}
	r := Reference{Digest: bytes.Clone(digest), ESID: string(esid)}
	// DER only: the input must be what Marshal writes.
	if back, err := r.Marshal(); err != nil || !bytes.Equal(back, der) {
		return Reference{}, fmt.Errorf("%w: seal reference is not DER", ErrMalformed)
	}
	return r, nil
}
