package pkitest

import (
	"sync"
	"testing"
	"time"

	"sihub/internal/testutil"
)

// Clock is a test clock that moves only when Advance is called. It is
// safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// OpenSSL runs the openssl command with args and returns its combined
// output (testutil.Run: skipped where openssl is missing outside CI).
func OpenSSL(t testing.TB, args ...string) (string, error) {
	t.Helper()
	return testutil.Run(t, "openssl", args...)
}
