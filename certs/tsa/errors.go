package tsa

import "errors"

// Errors, checked with errors.Is.
var (
	// ErrMalformed: a request, response or token does not parse.
	ErrMalformed = errors.New("tsa: malformed")
	// ErrTooLarge: input over a size limit.
	ErrTooLarge = errors.New("tsa: too large")
	// ErrUnsupported: a hash algorithm, policy or extension the TSA does not accept.
	ErrUnsupported = errors.New("tsa: unsupported")
	// ErrInvalid: a configuration or argument is unusable.
	ErrInvalid = errors.New("tsa: invalid input")
	// ErrRejected: the TSA answered with a rejection.
	ErrRejected = errors.New("tsa: request rejected")
	// ErrVerify: a token does not verify (signature, imprint, nonce, TSA certificate).
	ErrVerify = errors.New("tsa: token does not verify")
)
