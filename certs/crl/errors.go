package crl

import "errors"

// Errors, checked with errors.Is.
var (
	// ErrUnknownIssuer: the publisher has no CA with that serial.
	ErrUnknownIssuer = errors.New("crl: unknown issuer")
	// ErrInvalid: an argument (an entry, a time, a path) is unusable.
	ErrInvalid = errors.New("crl: invalid input")
	// ErrSource: the revocation source failed.
	ErrSource = errors.New("crl: revocation source failed")
)
