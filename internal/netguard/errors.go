package netguard

import "errors"

// Errors, checked with errors.Is.
var (
	// ErrNotAllowed: the URL, a redirect target or the dialed address is
	// not permitted by the allow list and the address policy.
	ErrNotAllowed = errors.New("netguard: not allowed")
	// ErrTooLarge: the response body exceeds the call's byte cap.
	ErrTooLarge = errors.New("netguard: response too large")
	// ErrTimeout: the connect or total timeout passed.
	ErrTimeout = errors.New("netguard: timeout")
	// ErrStatus: the server answered with a non-2xx status.
	ErrStatus = errors.New("netguard: unexpected HTTP status")
	// ErrInvalid: a pattern, URL or configuration value is unusable.
	ErrInvalid = errors.New("netguard: invalid input")
)
