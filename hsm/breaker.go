package hsm

import "time"

type outcome int

const (
	outcomeSuccess outcome = iota
	outcomeFailure
	outcomeNeutral // the call never reached the device (caller cancelled)
)

// breaker is the circuit breaker's state; the Pool guards it.
type breaker struct {
	failures int       // consecutive device failures
	open     bool      // open or half-open
	openedAt time.Time // when it (re)opened
	probing  bool      // a half-open probe is in flight
}

// allow reports whether a call may go ahead and whether it is the probe.
func (b *breaker) allow(now time.Time, coolDown time.Duration) (probe, ok bool) {
	if !b.open {
		return false, true
	}
	if b.probing || now.Sub(b.openedAt) < coolDown {
		return false, false
	}
	b.probing = true
	return true, true
}

func (b *breaker) record(now time.Time, probe bool, o outcome, threshold int) {
	if probe {
		b.probing = false
	}
	switch o {
	case outcomeSuccess:
		if !b.open || probe {
			b.failures, b.open = 0, false
		}
	case outcomeFailure:
		b.failures++
		if probe || (!b.open && b.failures >= threshold) {
			b.open, b.openedAt = true, now
		}
	}
}

func (b *breaker) state(now time.Time, coolDown time.Duration) string {
	switch {
	case !b.open:
		return "closed"
	case b.probing || now.Sub(b.openedAt) >= coolDown:
		return "half-open"
	default:
		return "open"
	}
}
