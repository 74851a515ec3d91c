package app

import (
	"runtime/debug"
	"runtime/metrics"
	"strconv"
)

// Garbage collection for the long-running commands (sihub serve, sihub
// batch). Issuing a document allocates about 300 KB that lives for a few
// milliseconds; at Go's default target (GOGC=100) collecting it took about
// a quarter of a certificate's CPU. A higher target collects less often;
// the soft memory limit makes the collector work harder again before the
// heap outgrows what the machine should give one process.
const (
	// DefaultGCPercent is the collector's target unless GOGC is set.
	DefaultGCPercent = 400
	// DefaultMemoryLimit is the soft limit of the Go heap unless
	// GOMEMLIMIT is set (1 GiB).
	DefaultMemoryLimit int64 = 1 << 30
)

// GCSettings are what TuneGC set: the collector's target (-1: off, as
// GOGC=off) and the soft memory limit in bytes, each as the environment
// gave it or as defaulted.
type GCSettings struct {
	Percent     int
	MemoryLimit int64
	FromEnv     bool // GOGC or GOMEMLIMIT came from the environment
}

// TuneGC applies DefaultGCPercent and DefaultMemoryLimit, each unless the
// environment (getenv: GOGC, GOMEMLIMIT) sets it — the runtime has then
// applied the operator's value already — and reports the settings in use.
func TuneGC(getenv func(string) string) GCSettings {
	var s GCSettings
	if getenv("GOGC") == "" {
		debug.SetGCPercent(DefaultGCPercent)
	} else {
		s.FromEnv = true
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(DefaultMemoryLimit)
	} else {
		s.FromEnv = true
	}
	m := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(m)
	s.Percent = int(m[0].Value.Uint64()) // GOGC=off reads as uint64(-1)
	s.MemoryLimit = int64(m[1].Value.Uint64())
	return s
}

// String is the settings as a log line's value, e.g. "GOGC=400 GOMEMLIMIT=1073741824".
func (s GCSettings) String() string {
	p := "off"
	if s.Percent >= 0 {
		p = strconv.Itoa(s.Percent)
	}
	return "GOGC=" + p + " GOMEMLIMIT=" + strconv.FormatInt(s.MemoryLimit, 10)
}
