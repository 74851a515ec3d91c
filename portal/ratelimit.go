package portal

import (
	"math"
	"sync"
	"time"
)

// limiter is a set of token buckets keyed by string (a client address, a
// code prefix, an API key id). Each bucket holds at most burst tokens and
// refills continuously at burst tokens per period; a request takes n
// tokens or is refused with the time until it could pass.
//
// Memory is bounded: at most capacity buckets. When a new key finds the
// map full, buckets that have refilled completely are dropped first (a
// full bucket is the same as no bucket); if none has, a tenth of the
// buckets, chosen by map order, is forgotten and those keys start again
// with a full bucket. An attacker who floods the limiter with fresh keys
// therefore loosens it only for the keys it evicts, never grows memory.
//
// The state is per process: behind a load balancer with N portal nodes a
// client may get up to N times the limit.
type limiter struct {
	mu       sync.Mutex
	burst    float64
	rate     float64 // tokens per nanosecond
	capacity int
	buckets  map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// newLimiter allows burst requests per period per key, with at most
// capacity keys remembered. burst <= 0 means no limit.
func newLimiter(burst int, period time.Duration, capacity int) *limiter {
	if capacity <= 0 {
		capacity = throttleCapacity
	}
	l := &limiter{burst: float64(burst), capacity: capacity, buckets: make(map[string]*bucket)}
	if burst > 0 && period > 0 {
		l.rate = float64(burst) / float64(period)
	}
	return l
}

// take removes n tokens from key's bucket. When the bucket holds fewer it
// takes nothing and returns false and how long until n tokens are there
// (for Retry-After). A request larger than the burst can never pass; it
// is refused with the time to refill the whole bucket.
func (l *limiter) take(key string, n int, now time.Time) (bool, time.Duration) {
	if l == nil || l.burst <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, now)
	need := float64(n)
	if b.tokens >= need {
		b.tokens -= need
		return true, 0
	}
	if need > l.burst {
		need = l.burst
	}
	// Rounded to the millisecond so that float error does not turn an
	// exact 20 s into a Retry-After of 21.
	wait := time.Duration((need - b.tokens) / l.rate).Round(time.Millisecond)
	return false, max(wait, time.Millisecond)
}

// refund returns n tokens to key's bucket (a request refused by a later
// check), never above the burst.
func (l *limiter) refund(key string, n int) {
	if l == nil || l.burst <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[key]; ok {
		b.tokens = math.Min(l.burst, b.tokens+float64(n))
	}
}

// refill returns key's bucket brought up to now, creating it (full) when
// absent. Called with the lock held.
func (l *limiter) refill(key string, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.capacity {
			l.evict(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
		return b
	}
	if el := now.Sub(b.last); el > 0 {
		b.tokens = math.Min(l.burst, b.tokens+float64(el)*l.rate)
		b.last = now
	}
	return b
}

// evict makes room for one bucket. Called with the lock held.
func (l *limiter) evict(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.last))*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) < l.capacity {
		return
	}
	drop := max(1, l.capacity/10)
	for k := range l.buckets {
		if drop == 0 {
			break
		}
		delete(l.buckets, k)
		drop--
	}
}

func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
