package portal

import (
	"sync"
	"time"
)

// Login throttling: a login is refused for the rest of the window once it
// has failed loginFailuresPerLogin times within loginWindow, and a client
// address once it has failed loginFailuresPerIP times. Memory is bounded:
// at most throttleCapacity keys per throttle.
const (
	loginFailuresPerLogin = 5
	loginFailuresPerIP    = 20
	loginWindow           = 15 * time.Minute
	throttleCapacity      = 10000
)

type throttle struct {
	mu       sync.Mutex
	limit    int
	window   time.Duration
	capacity int
	entries  map[string]*strikes
}

type strikes struct {
	count int
	first time.Time
}

func newThrottle(limit int, window time.Duration, capacity int) *throttle {
	return &throttle{limit: limit, window: window, capacity: capacity, entries: make(map[string]*strikes)}
}

// blocked reports whether key has used up its failures in the current window.
func (t *throttle) blocked(key string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[key]
	if !ok {
		return false
	}
	if now.Sub(e.first) >= t.window {
		delete(t.entries, key)
		return false
	}
	return e.count >= t.limit
}

// fail records one failure of key.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[key]
	if ok && now.Sub(e.first) >= t.window {
		ok = false
	}
	if !ok {
		if len(t.entries) >= t.capacity {
			t.evict(now)
		}
		e = &strikes{first: now}
		t.entries[key] = e
	}
	e.count++
}

// reset forgets key (after a successful login).
func (t *throttle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, key)
}

// evict drops expired entries, and when none has expired, the oldest
// one. Called with the lock held.
func (t *throttle) evict(now time.Time) {
	var oldestKey string
	var oldest time.Time
	for k, e := range t.entries {
		if now.Sub(e.first) >= t.window {
			delete(t.entries, k)
			continue
		}
		if oldestKey == "" || e.first.Before(oldest) {
			oldestKey, oldest = k, e.first
		}
	}
	if len(t.entries) >= t.capacity && oldestKey != "" {
		delete(t.entries, oldestKey)
	}
}

func (t *throttle) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}
