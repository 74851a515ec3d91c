package ocspparse

import "errors"

// Errors, checked with errors.Is.
var (
	// ErrMalformed: a request or response does not parse.
	ErrMalformed = errors.New("ocsp: malformed")
	// ErrTooLarge: input over a size or count limit.
	ErrTooLarge = errors.New("ocsp: too large")
	// ErrUnsupported: a hash or signature algorithm this package does not know.
	ErrUnsupported = errors.New("ocsp: unsupported algorithm")
	// ErrInvalid: a configuration or argument is unusable.
	ErrInvalid = errors.New("ocsp: invalid input")
	// ErrVerify: a response's signature, signer or nonce does not check out.
	ErrVerify = errors.New("ocsp: response does not verify")
	// ErrStatus: the responder answered with an error status (ResponseStatus).
	ErrStatus = errors.New("ocsp: error response status")
)
