package hsm

import (
	"context"
	"errors"
	"fmt"
	"sync"
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

// PoolOptions configure a Pool. Every zero value has the documented default.
type PoolOptions struct {
	MaxSessions      int                                  // concurrent sessions (and calls); 0 is 4
	CallTimeout      time.Duration                        // per call, including waiting for a session; 0 is 10 s
	FailureThreshold int                                  // consecutive device failures that open the breaker; 0 is 3
	CoolDown         time.Duration                        // open time before a half-open probe; 0 is 30 s
	Now              func() time.Time                     // breaker clock; nil is time.Now
	After            func(time.Duration) <-chan time.Time // timeouts; nil is a real timer, stopped after each call
	// Inline runs each call on the caller's goroutine: no goroutine hand-off
	// (about 15–20 µs of CPU per call on a small VM) but no per-call
	// timeout either — a hung device blocks its caller. The bound on
	// sessions, reconnection and the breaker still apply. For local tokens
	// whose calls cost tens of µs; leave it off for network HSMs.
	Inline bool
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
	return o
}

// Pool runs device calls on a bounded set of sessions with a per-call
// timeout and a circuit breaker.
//
// A cgo call cannot be cancelled: when a call outlives its timeout the
// caller gets ErrTimeout at the deadline, while the call keeps its session
// and its slot until it returns; then the session is discarded. A hung
// device therefore uses up at most MaxSessions goroutines, and further
// callers time out waiting for a slot.
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
	jobs  chan job[S]
	quit  chan struct{} // closed by Close: workers stop

	mu       sync.Mutex
	idle     []pooled[S]
	inflight int           // calls between taking a slot and returning it
	drained  chan struct{} // closed when inflight drops to 0
	gen      uint64
	closed   bool
	br       breaker
}

type pooled[S any] struct {
	s   S
	gen uint64
}

// NewPool returns a pool over src.
//
// Unless Inline, it starts MaxSessions worker goroutines that run the
// calls (a goroutine per call would grow a fresh stack every time); Close
// stops them.
func NewPool[S any](src Sessions[S], opts PoolOptions) *Pool[S] {
	opts = opts.withDefaults()
	p := &Pool[S]{src: src, opts: opts, slots: make(chan struct{}, opts.MaxSessions),
		jobs: make(chan job[S]), quit: make(chan struct{})}
	if !opts.Inline {
		for range opts.MaxSessions {
			go p.work()
		}
	}
	return p
}

// job is one call handed to a worker.
type job[S any] struct {
	ctx       context.Context
	fn        func(S) error
	done      chan<- error
	abandoned <-chan struct{}
	started   chan<- S
}

func (p *Pool[S]) work() {
	for {
		select {
		case j := <-p.jobs:
			p.run(j.ctx, j.fn, j.done, j.abandoned, j.started)
		case <-p.quit:
			return
		}
	}
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
	var deadline <-chan time.Time
	var stop func()
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	select {
	case p.slots <- struct{}{}: // a free slot: no timer needed yet
	default:
		deadline, stop = p.timer(timeout)
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

	if p.opts.Inline {
		done := make(chan error, 1)
		p.enter()
		p.run(ctx, fn, done, nil, nil)
		return p.finish(<-done, probe)
	}
	if deadline == nil {
		deadline, stop = p.timer(timeout)
	}
	done := make(chan error, 1)
	abandoned := make(chan struct{})
	started := make(chan S, 1)
	p.enter()
	select {
	case p.jobs <- job[S]{ctx, fn, done, abandoned, started}:
	case <-p.quit:
		p.leave()
		<-p.slots
		p.settle(probe, outcomeNeutral)
		return ErrClosed
	}
	select {
	case err := <-done:
		return p.finish(err, probe)
	case <-ctx.Done():
		close(abandoned)
		p.abandon(started)
		p.settle(probe, outcomeNeutral)
		return ctx.Err()
	case <-deadline:
		close(abandoned)
		p.abandon(started)
		p.settle(probe, outcomeFailure)
		return fmt.Errorf("%w: no answer within %v", ErrTimeout, timeout)
	}
}

// timer returns the deadline channel and a stop function: a real timer
// that is stopped when the call ends (thousands of pending 10-second
// timers would weigh on every call), or the injected After.
func (p *Pool[S]) timer(d time.Duration) (<-chan time.Time, func()) {
	if p.opts.After != nil {
		return p.opts.After(d), nil
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

// run executes fn on a session and returns the slot when fn has returned.
// Abandoner is implemented by Sessions that can interrupt a session whose
// caller gave up (e.g. kill a signer process); the call then returns and
// the session is discarded as usual. Device libraries cannot do this.
type Abandoner[S any] interface {
	Abandon(s S)
}

func (p *Pool[S]) abandon(started <-chan S) {
	a, ok := p.src.(Abandoner[S])
	if !ok {
		return
	}
	select {
	case s := <-started:
		a.Abandon(s)
	default: // still waiting for its session: nothing to interrupt
	}
}

func (p *Pool[S]) run(ctx context.Context, fn func(S) error, done chan<- error, abandoned <-chan struct{}, started chan<- S) {
	err := p.call(ctx, fn, abandoned, started)
	// All bookkeeping before the answer: the caller then resumes without
	// contending for the pool's lock with this goroutine.
	p.leave()
	<-p.slots
	done <- err
}

// call runs fn on a session and returns the session to the pool, or
// discards it when it is broken or its caller gave up.
func (p *Pool[S]) call(ctx context.Context, fn func(S) error, abandoned <-chan struct{}, started chan<- S) error {
	s, gen, err := p.take(ctx)
	if err != nil {
		return err
	}
	if started != nil {
		started <- s
	}
	err = fn(s)
	broken := err != nil && p.src.Failed(err)
	select {
	case <-abandoned:
		broken = true // the caller gave up: the session's state is unknown
	default:
	}
	if broken {
		p.src.Close(s)
		if err != nil {
			p.dropIdle()
		}
	} else {
		p.put(s, gen)
	}
	return err
}

func (p *Pool[S]) take(ctx context.Context) (S, uint64, error) {
	p.mu.Lock()
	gen := p.gen
	for len(p.idle) > 0 {
		ps := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if ps.gen == gen {
			p.mu.Unlock()
			return ps.s, gen, nil
		}
		p.src.Close(ps.s)
	}
	p.mu.Unlock()
	s, err := p.src.Open(ctx)
	return s, gen, err
}

func (p *Pool[S]) put(s S, gen uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || gen != p.gen {
		p.src.Close(s)
		return
	}
	p.idle = append(p.idle, pooled[S]{s, gen})
}

// dropIdle discards every idle session: after a device error they are
// presumed dead too. Sessions in use are discarded when they come back.
func (p *Pool[S]) dropIdle() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.gen++
	p.mu.Unlock()
	for _, ps := range idle {
		p.src.Close(ps.s)
	}
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

func (p *Pool[S]) enter() {
	p.mu.Lock()
	if p.inflight == 0 {
		p.drained = make(chan struct{})
	}
	p.inflight++
	p.mu.Unlock()
}

func (p *Pool[S]) leave() {
	p.mu.Lock()
	p.inflight--
	if p.inflight == 0 {
		close(p.drained)
	}
	p.mu.Unlock()
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
	ch := p.drained
	p.mu.Unlock()
	select {
	case <-ch:
		return true
	case <-deadline:
		return false
	}
}

// Close discards idle sessions; calls in flight finish and discard theirs.
// Later calls fail with ErrClosed.
func (p *Pool[S]) Close() {
	p.mu.Lock()
	if !p.closed {
		close(p.quit)
	}
	p.closed = true
	p.mu.Unlock()
	p.dropIdle()
}
