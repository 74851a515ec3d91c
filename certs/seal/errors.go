package seal

import (
	"errors"

	"sihub/certs/seal/sealref"
)

// Sentinel errors. Every error this package returns wraps one of these, so
// callers tell the failures apart with errors.Is. Four are sealref's (the
// same values), since the SealReference is read there.
var (
	// ErrMalformed: the input is not a well-formed DER SESeal or
	// SES_Signature.
	ErrMalformed = sealref.ErrMalformed
	// ErrTooLarge: the input exceeds a parse limit (size or count).
	ErrTooLarge = sealref.ErrTooLarge
	// ErrUnsupportedVersion: the structure is valid but of a version this
	// package cannot write (v1) or does not know.
	ErrUnsupportedVersion = errors.New("seal: unsupported version")
	// ErrUnsupportedAlgorithm: the signature algorithm is not SM2 with SM3
	// or the key is not an SM2 key.
	ErrUnsupportedAlgorithm = sealref.ErrUnsupportedAlgorithm
	// ErrMakerCertificate: the maker's (or signer's) certificate cannot be
	// parsed.
	ErrMakerCertificate = errors.New("seal: bad maker certificate")
	// ErrBadSignature: the maker's signature does not verify.
	ErrBadSignature = errors.New("seal: signature does not verify")
	// ErrNotYetValid: the time checked is before validStart.
	ErrNotYetValid = errors.New("seal: not yet valid")
	// ErrExpired: the time checked is after validEnd.
	ErrExpired = errors.New("seal: expired")
	// ErrBadPicture: the picture is empty, of an unknown type, its data does
	// not match its type, or its size is not positive.
	ErrBadPicture = errors.New("seal: bad picture")
	// ErrCertificateNotListed: the seal's certificate list does not name the
	// given seal certificate.
	ErrCertificateNotListed = errors.New("seal: certificate not in the seal's list")
	// ErrInvalidRequest: a MakeRequest or SignatureRequest is incomplete or
	// inconsistent.
	ErrInvalidRequest = sealref.ErrInvalidRequest
	// ErrDataHashMismatch: a signature's dataHash differs from the hash of
	// the data it is checked against.
	ErrDataHashMismatch = errors.New("seal: data hash mismatch")
	// ErrKeyMismatch: the signing key does not belong to the certificate
	// given with it.
	ErrKeyMismatch = errors.New("seal: key does not match certificate")
)
