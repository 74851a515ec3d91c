package cms

import "errors"

// Sentinel errors. Errors returned by this package wrap one of these, so
// callers can tell the failures apart with errors.Is.
var (
	// ErrMalformed: the input is not a well-formed CMS SignedData.
	ErrMalformed = errors.New("cms: malformed SignedData")
	// ErrTooLarge: the input exceeds a parse limit.
	ErrTooLarge = errors.New("cms: input exceeds a limit")
	// ErrUnsupportedAlgorithm: a digest, signature or key algorithm this
	// package does not implement, or an inconsistent combination of them.
	ErrUnsupportedAlgorithm = errors.New("cms: unsupported algorithm")
	// ErrWeakAlgorithm: a known but no longer acceptable algorithm (SHA-1).
	ErrWeakAlgorithm = errors.New("cms: weak algorithm refused")
	// ErrSignerNotFound: the signer's certificate is not in the SignedData.
	ErrSignerNotFound = errors.New("cms: signer certificate not found")
	// ErrDigestMismatch: the messageDigest attribute differs from the
	// digest of the content.
	ErrDigestMismatch = errors.New("cms: message digest mismatch")
	// ErrContentTypeMismatch: the contentType attribute differs from the
	// encapsulated content type.
	ErrContentTypeMismatch = errors.New("cms: content type attribute mismatch")
	// ErrBadSignature: the signature does not verify with the signer
	// certificate's key.
	ErrBadSignature = errors.New("cms: signature does not verify")
	// ErrCertificateMismatch: the signingCertificate(V2) attribute does not
	// name the signer certificate.
	ErrCertificateMismatch = errors.New("cms: signing certificate attribute mismatch")
	// ErrKeyMismatch: the signing key does not belong to the certificate
	// given to SignDetached.
	ErrKeyMismatch = errors.New("cms: key does not match certificate")
	// ErrMissingAttribute: a signed attribute the verification needs
	// (messageDigest) is absent.
	ErrMissingAttribute = errors.New("cms: required signed attribute missing")
)
