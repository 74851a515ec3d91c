package hsm

import (
	"fmt"
	"strconv"
	"time"
)

// Pool option names accepted in backend URIs (vendor "x-" attributes in
// the query, so RFC 7512 parsers elsewhere ignore them).
const (
	OptMaxSessions      = "x-max-sessions"     // integer ≥ 1
	OptCallTimeout      = "x-call-timeout"     // Go duration, e.g. 5s
	OptBreakerFailures  = "x-breaker-failures" // integer ≥ 1
	OptBreakerCoolDown  = "x-breaker-cooldown" // Go duration
	OptInline           = "x-inline"           // true/false: x-call-mode inline or hand-off
	OptCallMode         = "x-call-mode"        // auto, hand-off or inline (see CallMode)
	OptInlineBelow      = "x-inline-below"     // Go duration: ModeAuto's threshold
	maxPoolOptionLength = 32
)

// SetURIOption sets the pool option name from a URI attribute value. It
// reports false for a name that is not a pool option.
func (o *PoolOptions) SetURIOption(name, value string) (bool, error) {
	switch name {
	case OptMaxSessions, OptBreakerFailures, OptCallTimeout, OptBreakerCoolDown, OptInline, OptCallMode, OptInlineBelow:
	default:
		return false, nil
	}
	if len(value) > maxPoolOptionLength {
		return true, fmt.Errorf("hsm: %s: value too long", name)
	}
	positive := func() (int, error) {
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 || n > 1<<16 {
			return 0, fmt.Errorf("hsm: %s must be an integer from 1 to 65536", name)
		}
		return n, nil
	}
	duration := func() (time.Duration, error) {
		d, err := time.ParseDuration(value)
		if err != nil || d <= 0 || d > 24*time.Hour {
			return 0, fmt.Errorf("hsm: %s must be a positive duration (e.g. 5s)", name)
		}
		return d, nil
	}
	var err error
	switch name {
	case OptMaxSessions:
		o.MaxSessions, err = positive()
	case OptBreakerFailures:
		o.FailureThreshold, err = positive()
	case OptCallTimeout:
		o.CallTimeout, err = duration()
	case OptBreakerCoolDown:
		o.CoolDown, err = duration()
	case OptInline:
		var on bool
		on, err = strconv.ParseBool(value)
		if err != nil {
			err = fmt.Errorf("hsm: %s must be true or false", name)
		}
		o.Mode = ModeHandOff
		if on {
			o.Mode = ModeInline
		}
	case OptCallMode:
		o.Mode, err = parseCallMode(value)
	case OptInlineBelow:
		o.InlineBelow, err = duration()
	default:
		return false, nil
	}
	return true, err
}
