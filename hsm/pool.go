package hsm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Sessions is what a device backend gives a Pool: a way to open and discard
// sessions (S is the backend's session handle) and to recognise errors that
// mean the session or device is broken.
type Sessions[S any] interface {
	// Open opens a session, reconnecting to the device first when an earlier
	// failure asked for it. It runs under the per-call timeout.
	Open(ctx context.Context) (S, error)
	// Close discards a session; errors are the device's business.
	Close(s S)
	// Failed reports whether err means the session or the device is broken
	// (the session is then discarded, all idle ones dropped, the breaker
	// counts a failure); the source may note that it must reconnect.
	Failed(err error) bool
}

// Abandoner is implemented by Sessions that can interrupt a session whose
// caller gave up (e.g. kill a signer process); the call then returns and
// the session is discarded as usual. Device libraries cannot do this.
type Abandoner[S any] interface {
	Abandon(s S)
}

// PoolOptions configure a Pool. Every zero value has the documented default.
type PoolOptions struct {
	MaxSessions      int                                  // concurrent sessions (and calls); 0 is 4
	CallTimeout      time.Duration                        // per call, including waiting for a session; 0 is 10 s
	FailureThreshold int                                  // consecutive device failures that open the breaker; 0 is 3
	CoolDown         time.Duration                        // open time before a half-open probe; 0 is 30 s
	Now              func() time.Time                     // breaker clock; nil is time.Now
	After            func(time.Duration) <-chan time.Time // timeouts; nil is a real timer, reused per session
	// Mode chooses how a call reaches its session; the zero value is
	// ModeAuto. See CallMode.
	Mode CallMode
	// InlineBelow is ModeAuto's threshold: calls run inline while the
	// moving average of the device's answered calls is below it; 0 is
	// 1 ms, a negative value never inlines.
	InlineBelow time.Duration
	// OnBreaker, when set, is told when the breaker opens (true) and
	// closes again (false), for metrics and alerts. It must not block.
	OnBreaker func(open bool)
}

func (o PoolOptions) withDefaults() PoolOptions {
	if o.MaxSessions <= 0 {
		o.MaxSessions = 4
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 10 * time.Second
	}
	if o.FailureThreshold <= 0 {
		o.FailureThreshold = 3
	}
	if o.CoolDown <= 0 {
		o.CoolDown = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.InlineBelow == 0 {
		o.InlineBelow = time.Millisecond
	}
	return o
}

// Pool runs device calls on a bounded set of sessions with a per-call
// timeout and a circuit breaker.
//
// Each session belongs to a worker: a goroutine that lives as long as the
// session and runs the calls made on it, fed through a channel, with a
// timer reused from call to call — a call allocates nothing in the pool.
// A cgo call cannot be cancelled: when a call outlives its timeout the
// caller gets ErrTimeout at the deadline, while the call keeps its worker,
// its session and its slot until it returns; then the session is
// discarded and the worker ends. A hung device therefore holds at most
// MaxSessions goroutines, and further callers time out waiting for a slot;
// sessions of other calls are not affected.
//
// The breaker opens after FailureThreshold consecutive device failures
// (Failed errors and timeouts); while open, calls fail at once with
// ErrCircuitOpen; after CoolDown one probe call is let through (half-open):
// its success closes the breaker, its failure opens it again. Errors that
// are not device failures (key not found, bad arguments) count as success.
type Pool[S any] struct {
	src   Sessions[S]
	opts  PoolOptions
	slots chan struct{}

	mu       sync.Mutex
	idle     []*worker[S]  // most recently used last
	inflight int           // calls between taking a slot and returning it
	drained  chan struct{} // made by Drain, closed when inflight drops to 0
	gen      uint64        // sessions of older generations are presumed dead
	closed   bool
	br       breaker

	avg  atomic.Int64 // ModeAuto: moving average of answered calls, ns; 0 is none yet
	hung atomic.Bool  // a call has outlived its timeout: hand off from now on
}

// NewPool returns a pool over src. Sessions and their workers are made on
// demand; Close ends the idle ones.
func NewPool[S any](src Sessions[S], opts PoolOptions) *Pool[S] {
	opts = opts.withDefaults()
	return &Pool[S]{src: src, opts: opts, slots: make(chan struct{}, opts.MaxSessions)}
}

// Do runs fn on a session. The error is fn's, or wraps ErrTimeout,
// ErrCircuitOpen, ErrDeviceUnavailable, ErrClosed or ctx's error.
func (p *Pool[S]) Do(ctx context.Context, fn func(S) error) error {
	return p.DoWithin(ctx, p.opts.CallTimeout, fn)
}

// DoWithin is Do with its own timeout, for calls known to be slow (key
// generation); timeout ≤ 0 means CallTimeout.
func (p *Pool[S]) DoWithin(ctx context.Context, timeout time.Duration, fn func(S) error) error {
	if timeout <= 0 {
		timeout = p.opts.CallTimeout
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	probe, ok := p.br.allow(p.opts.Now(), p.opts.CoolDown)
	p.mu.Unlock()
	if !ok {
		return ErrCircuitOpen
	}
	var deadline <-chan time.Time // set when waiting for a slot started the clock
	select {
	case p.slots <- struct{}{}: // a free slot: no timer needed yet
	default:
		var stop func()
		deadline, stop = p.timer(timeout)
		defer stop()
		select {
		case p.slots <- struct{}{}:
		case <-ctx.Done():
			p.settle(probe, outcomeNeutral)
			return ctx.Err()
		case <-deadline:
			p.settle(probe, outcomeNeutral)
			return fmt.Errorf("%w: no free session within %v", ErrTimeout, timeout)
		}
	}
	w, err := p.worker()
	if err != nil {
		<-p.slots
		p.settle(probe, outcomeNeutral)
		return err
	}
	if p.inlined() {
		err, answered := w.inline(ctx, fn, timeout, probe, deadline)
		if !answered {
			return err // the watchdog settled the breaker at the deadline
		}
		w.release(err)
		return p.finish(err, probe)
	}
	err, res := w.hand(ctx, fn, timeout, deadline)
	switch res {
	case handAnswered:
		w.release(err)
		return p.finish(err, probe)
	case handCancelled:
		p.settle(probe, outcomeNeutral)
	default:
		p.hung.Store(true)
		p.settle(probe, outcomeFailure)
	}
	return err
}

// timer returns a deadline channel and a function that stops it: a real
// timer (thousands of pending 10-second timers would weigh on every call),
// or the injected After.
func (p *Pool[S]) timer(d time.Duration) (<-chan time.Time, func()) {
	if p.opts.After != nil {
		return p.opts.After(d), func() {}
	}
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}

// finish settles the breaker with a call's outcome.
func (p *Pool[S]) finish(err error, probe bool) error {
	if err != nil && p.src.Failed(err) {
		p.settle(probe, outcomeFailure)
		if !errors.Is(err, ErrDeviceUnavailable) {
			err = fmt.Errorf("%w: %w", ErrDeviceUnavailable, err)
		}
		return err
	}
	p.settle(probe, outcomeSuccess)
	return err
}

func (p *Pool[S]) settle(probe bool, o outcome) {
	p.mu.Lock()
	wasOpen := p.br.open
	p.br.record(p.opts.Now(), probe, o, p.opts.FailureThreshold)
	isOpen := p.br.open
	p.mu.Unlock()
	if wasOpen != isOpen && p.opts.OnBreaker != nil {
		p.opts.OnBreaker(isOpen)
	}
}

// State reports the breaker's state: "closed", "open" or "half-open".
func (p *Pool[S]) State() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.br.state(p.opts.Now(), p.opts.CoolDown)
}

// Drain waits until no call is running in a device library (including
// calls whose callers timed out) or until deadline; it reports whether
// none is. A backend must not unload its library before that.
func (p *Pool[S]) Drain(deadline <-chan time.Time) bool {
	p.mu.Lock()
	if p.inflight == 0 {
		p.mu.Unlock()
		return true
	}
	if p.drained == nil {
		p.drained = make(chan struct{})
	}
	ch := p.drained
	p.mu.Unlock()
	select {
	case <-ch:
		return true
	case <-deadline:
		return false
	}
}

// Close discards idle sessions and ends their workers; calls in flight
// finish and discard theirs. Later calls fail with ErrClosed.
func (p *Pool[S]) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.dropIdle()
}
