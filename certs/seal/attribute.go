package seal

import "sihub/certs/seal/sealref"

// The SealReference attribute is read and written by sealref, which
// verifiers import without the rest of this package; the names below are
// the same values, type and function.

// OIDAttributeSealReference is the CMS signed attribute by which a PDF
// signature names the SESeal it applies (sealref.OIDAttributeSealReference).
var OIDAttributeSealReference = sealref.OIDAttributeSealReference

// OIDSM3 identifies the SM3 hash in a SealReference.
var OIDSM3 = sealref.OIDSM3

// MaxReferenceSize caps an encoded SealReference.
const MaxReferenceSize = sealref.MaxReferenceSize

// Reference is a SealReference: the SM3 digest of a seal's DER and its
// esID.
type Reference = sealref.Reference

// Reference returns the reference naming s.
func (s *Seal) Reference() (Reference, error) {
	d, err := s.Digest()
	if err != nil {
		return Reference{}, err
	}
	return Reference{Digest: d, ESID: s.Info.ESID}, nil
}

// ParseReference reads a DER SealReference (sealref.ParseReference): only
// DER with the SM3 hash algorithm and a 32-byte digest is accepted; input
// above MaxReferenceSize fails with ErrTooLarge.
func ParseReference(der []byte) (Reference, error) { return sealref.ParseReference(der) }
