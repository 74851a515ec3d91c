package app

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestTuneGC: the defaults apply when the environment says nothing, and a
// GOGC or GOMEMLIMIT from the environment is left as the runtime set it.
func TestTuneGC(t *testing.T) {
	percent, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1)
	debug.SetGCPercent(percent)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })

	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	s := TuneGC(func(string) string { return "" })
	if s.Percent != DefaultGCPercent || s.MemoryLimit != DefaultMemoryLimit || s.FromEnv {
		t.Fatalf("defaults: %+v", s)
	}
	if got := debug.SetMemoryLimit(-1); got != DefaultMemoryLimit {
		t.Fatalf("the runtime's memory limit is %d", got)
	}

	// The operator's values (the runtime read them at start-up; here they
	// are set by hand as it would have) stay.
	debug.SetGCPercent(50)
	debug.SetMemoryLimit(256 << 20)
	env := map[string]string{"GOGC": "50", "GOMEMLIMIT": "256MiB"}
	s = TuneGC(func(k string) string { return env[k] })
	if s.Percent != 50 || s.MemoryLimit != 256<<20 || !s.FromEnv {
		t.Fatalf("from the environment: %+v", s)
	}
	if s.String() != "GOGC=50 GOMEMLIMIT=268435456" {
		t.Errorf("String: %q", s.String())
	}
	debug.SetGCPercent(-1)
	if s = TuneGC(func(k string) string { return map[string]string{"GOGC": "off"}[k] }); s.Percent != -1 || s.String()[:8] != "GOGC=off" {
		t.Errorf("GOGC=off: %+v %q", s, s.String())
	}
}
