package hsm

import "errors"

// Device errors. They are kinds for errors.Is; backends wrap them with what
// failed (never with a PIN).
var (
	// ErrDeviceUnavailable: the device, token or session is gone, failing or
	// not answering; retrying later may succeed. ErrTimeout and
	// ErrCircuitOpen are both ErrDeviceUnavailable as well.
	ErrDeviceUnavailable = errors.New("hsm: device unavailable")
	// ErrTimeout: a device call did not return within the per-call timeout.
	ErrTimeout = deviceKind("hsm: device call timed out")
	// ErrCircuitOpen: recent calls failed in a row, so calls fail fast until
	// the cool-down has passed and a probe succeeds.
	ErrCircuitOpen = deviceKind("hsm: circuit breaker open after repeated device failures")
	// ErrNotAvailable: the backend is not part of this build (e.g. PKCS#11
	// or SDF in a build without cgo).
	ErrNotAvailable = errors.New("hsm: backend not available in this build")
	// ErrClosed: the backend was closed.
	ErrClosed = errors.New("hsm: backend closed")
)

// deviceKind is a sentinel that is also ErrDeviceUnavailable.
type deviceKind string

func (e deviceKind) Error() string { return string(e) }

func (e deviceKind) Is(target error) bool { return target == ErrDeviceUnavailable }
