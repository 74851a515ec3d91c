package hsm

import (
	"fmt"
	"time"
)

// CallMode is how a Pool gets a call to its session.
//
// ModeHandOff runs every call on the session's own goroutine: the caller
// gets ErrTimeout at the deadline even when the device library never
// returns. The price is two thread wake-ups per call (caller → session
// goroutine → caller) whenever the call takes long enough for the
// caller's thread to fall asleep: 20–40 µs of CPU on a small VM
// (BenchmarkPoolDo, call=90µs) — nothing next to a network HSM's
// milliseconds, but a quarter of a local token's 90 µs P-256 signature.
// Any design that releases the caller while a library call hangs needs
// another thread to make the call, so it pays these wake-ups.
//
// ModeInline runs every call on the caller's goroutine under a watchdog:
// at the deadline the call counts as a device failure for the breaker,
// its session is interrupted when the source can do that (Abandoner) and
// discarded when it returns, and later callers are not held up by it; but
// a caller whose library call hangs waits until the library returns.
//
// ModeAuto (the default) hands off until it knows the device, then runs
// calls inline while the moving average of answered calls stays below
// InlineBelow (a local token or a fast card, where the hand-off would be
// most of the cost) and hands them off otherwise (network HSMs, RSA keys,
// where it costs under 2 %). Once any call of the pool has outlived its
// timeout the device has shown that it can hang, and every later call is
// handed off, so its caller gets ErrTimeout at the deadline.
type CallMode int

const (
	ModeAuto CallMode = iota
	ModeHandOff
	ModeInline
)

func (m CallMode) String() string {
	switch m {
	case ModeHandOff:
		return "hand-off"
	case ModeInline:
		return "inline"
	default:
		return "auto"
	}
}

// parseCallMode reads an x-call-mode value.
func parseCallMode(s string) (CallMode, error) {
	switch s {
	case "auto":
		return ModeAuto, nil
	case "hand-off", "handoff":
		return ModeHandOff, nil
	case "inline":
		return ModeInline, nil
	}
	return 0, fmt.Errorf("hsm: %s must be auto, hand-off or inline", OptCallMode)
}

// inlined decides how the next call goes.
func (p *Pool[S]) inlined() bool {
	switch p.opts.Mode {
	case ModeInline:
		return true
	case ModeHandOff:
		return false
	}
	if p.opts.InlineBelow < 0 || p.hung.Load() {
		return false
	}
	avg := p.avg.Load()
	return avg > 0 && avg < int64(p.opts.InlineBelow)
}

// observe adds an answered call's time in the library to the moving
// average (weight 1/8). Concurrent updates may lose one; the average only
// steers the choice of path.
func (p *Pool[S]) observe(d time.Duration) {
	if d <= 0 {
		d = 1
	}
	old := p.avg.Load()
	if old == 0 {
		p.avg.Store(int64(d))
		return
	}
	p.avg.Store(old + (int64(d)-old)/8)
}

// CallPath reports how the pool runs its next call, "inline" or
// "hand-off", and the moving average of the device's answered calls
// (zero until ModeAuto has seen one), for status pages and metrics.
func (p *Pool[S]) CallPath() (string, time.Duration) {
	path := "hand-off"
	if p.inlined() {
		path = "inline"
	}
	return path, time.Duration(p.avg.Load())
}
