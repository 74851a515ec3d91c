package certs

import "errors"

// Errors, checked with errors.Is.
var (
	// ErrLint: a certificate (or profile) breaks a rule; nothing was signed.
	ErrLint = errors.New("certs: lint failed")
	// ErrNotFound: no certificate or seal matches the lookup.
	ErrNotFound = errors.New("certs: not found")
	// ErrConfig: the configuration is unusable.
	ErrConfig = errors.New("certs: invalid configuration")
)
