package hsm

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// worker owns one session and, unless the pool is Inline, the goroutine
// that runs the calls made on it. A caller holds a worker exclusively from
// Pool.worker until release, or until it gives up on the call (timeout,
// cancelled context): the worker is then abandoned and cleans up after
// itself when the call returns.
type worker[S any] struct {
	p     *Pool[S]
	s     S
	has   bool   // s is an open session
	gen   uint64 // the pool's generation when s was opened
	jobs  chan job[S]
	done  chan error
	timer *time.Timer // hand-off deadline, reused from call to call
	watch *time.Timer // Inline watchdog, reused from call to call
	probe bool        // Inline: the call is the breaker's probe
	seq   uint64      // the current call's number (written by its caller)

	// state is seq<<2 | the call's state, so that a watchdog firing late
	// for an earlier call cannot touch the current one.
	state    atomic.Uint64
	deadline atomic.Int64 // Inline: the current call's deadline on monoClock
}

type job[S any] struct {
	ctx context.Context
	fn  func(S) error
}

// A call's state; the caller, the worker's goroutine and the watchdog
// settle who cleans up with compare-and-swap.
const (
	stateRunning   = iota // handed over, the session not yet in use
	stateStarted          // fn runs on w.s
	stateAnswered         // fn returned and the caller gets the answer
	stateAbandoned        // the caller gave up: whoever runs fn cleans up
)

// outcome of a hand-over.
type handResult int

const (
	handAnswered handResult = iota
	handCancelled
	handTimedOut
)

// monoEpoch anchors monoClock, a monotonic clock in an int64.
var monoEpoch = time.Now()

func monoClock() int64 { return int64(time.Since(monoEpoch)) }

// worker takes an idle worker (the most recently used: its session and
// goroutine are warm) or makes one, and counts the call in flight.
func (p *Pool[S]) worker() (*worker[S], error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	p.inflight++
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		return w, nil
	}
	return &worker[S]{p: p, gen: p.gen}, nil
}

// begin numbers a new call and marks it running.
func (w *worker[S]) begin() {
	w.seq++
	w.state.Store(w.seq<<2 | stateRunning)
}

// move changes the current call's state from one value to another.
func (w *worker[S]) move(from, to uint64) bool {
	return w.state.CompareAndSwap(w.seq<<2|from, w.seq<<2|to)
}

// answer marks the current call answered unless it was abandoned.
func (w *worker[S]) answer() bool {
	return w.move(stateStarted, stateAnswered) || w.move(stateRunning, stateAnswered)
}

// giveUp abandons the call numbered by cur's sequence unless it has
// answered (or was abandoned already); it reports whether it did, and
// interrupts a session in use when the source can do that.
func (w *worker[S]) giveUp(cur uint64) bool {
	for {
		st := cur & 3
		if st == stateAnswered || st == stateAbandoned {
			return false
		}
		if w.state.CompareAndSwap(cur, cur&^3|stateAbandoned) {
			if a, ok := w.p.src.(Abandoner[S]); ok && st == stateStarted {
				a.Abandon(w.s) // w.s was written before the state became started
			}
			return true
		}
		next := w.state.Load()
		if next>>2 != cur>>2 {
			return false // another call by now
		}
		cur = next
	}
}

// call opens the session if needed and runs fn on it, on whichever
// goroutine runs the call.
func (w *worker[S]) call(ctx context.Context, fn func(S) error) error {
	if !w.has {
		s, err := w.p.src.Open(ctx)
		if err != nil {
			return err
		}
		w.s, w.has = s, true
	}
	if !w.move(stateRunning, stateStarted) {
		return fmt.Errorf("%w: the caller gave up before the call started", ErrTimeout)
	}
	if w.p.opts.Mode != ModeAuto {
		return fn(w.s)
	}
	start := w.p.opts.Now()
	err := fn(w.s)
	if err == nil {
		w.p.observe(w.p.opts.Now().Sub(start))
	}
	return err
}

// hand runs fn on the worker's goroutine and waits for its answer, the
// caller's context or the deadline (a running one when waiting for a slot
// already started the clock).
func (w *worker[S]) hand(ctx context.Context, fn func(S) error, timeout time.Duration, deadline <-chan time.Time) (error, handResult) {
	if w.jobs == nil {
		w.jobs, w.done = make(chan job[S], 1), make(chan error, 1)
		go w.run()
	}
	if deadline == nil {
		if w.p.opts.After != nil {
			deadline = w.p.opts.After(timeout)
		} else {
			if w.timer == nil {
				w.timer = time.NewTimer(timeout)
			} else {
				w.timer.Reset(timeout)
			}
			defer w.timer.Stop()
			deadline = w.timer.C
		}
	}
	w.begin()
	w.jobs <- job[S]{ctx, fn}
	select {
	case err := <-w.done:
		return err, handAnswered
	case <-ctx.Done():
		if !w.giveUp(w.state.Load()) {
			return <-w.done, handAnswered
		}
		return ctx.Err(), handCancelled
	case <-deadline:
		if !w.giveUp(w.state.Load()) {
			return <-w.done, handAnswered
		}
		return fmt.Errorf("%w: no answer within %v", ErrTimeout, timeout), handTimedOut
	}
}

// run is the worker's goroutine: it runs the calls handed to it until its
// jobs channel is closed or a call is abandoned.
func (w *worker[S]) run() {
	for j := range w.jobs {
		err := w.call(j.ctx, j.fn)
		if w.answer() {
			w.done <- err
			continue
		}
		w.discard(err)
		return
	}
}

// inline runs fn on the caller's goroutine under a watchdog that abandons
// the call at the deadline (a running one when waiting for a slot already
// started the clock). It reports false when the call was abandoned: its
// session is then discarded, the slot freed and ErrTimeout returned.
func (w *worker[S]) inline(ctx context.Context, fn func(S) error, timeout time.Duration, probe bool, deadline <-chan time.Time) (error, bool) {
	w.probe = probe
	w.deadline.Store(monoClock() + int64(timeout))
	w.begin()
	var stop func()
	switch {
	case deadline == nil && w.p.opts.After == nil:
		if w.watch == nil {
			w.watch = time.AfterFunc(timeout, w.expire)
		} else {
			w.watch.Reset(timeout)
		}
		stop = func() { w.watch.Stop() }
	default: // an injected clock, or a deadline already running
		if deadline == nil {
			deadline = w.p.opts.After(timeout)
		}
		cur := w.state.Load()
		done := make(chan struct{})
		go func() {
			select {
			case <-done: // the call ended before this goroutine ran
				return
			default:
			}
			select {
			case <-deadline:
				if w.giveUp(cur) {
					w.p.hung.Store(true)
					w.p.settle(probe, outcomeFailure)
				}
			case <-done:
			}
		}()
		stop = func() { close(done) }
	}
	err := w.call(ctx, fn)
	stop()
	if w.answer() {
		return err, true
	}
	w.discard(err)
	return fmt.Errorf("%w: no answer within %v", ErrTimeout, timeout), false
}

// expire is the Inline watchdog's timer function. The timer is reused, so
// it may fire late for an earlier call: it acts only on a call whose
// deadline has passed, and counts the timeout against the breaker.
func (w *worker[S]) expire() {
	cur := w.state.Load()
	if monoClock() < w.deadline.Load() { // read after state: this call's deadline
		return
	}
	if w.giveUp(cur) {
		w.p.hung.Store(true)
		w.p.settle(w.probe, outcomeFailure)
	}
}

// discard cleans up after an abandoned call once fn has returned: the
// session's state is unknown.
func (w *worker[S]) discard(err error) {
	p := w.p
	if w.has {
		p.src.Close(w.s)
		w.has = false
	}
	if err != nil && p.src.Failed(err) {
		p.dropIdle()
	}
	p.leave()
	<-p.slots
}

// release returns an answered call's worker to the pool, or discards its
// session and ends it when the device failed; then frees the call's slot.
func (w *worker[S]) release(err error) {
	p := w.p
	if err != nil && p.src.Failed(err) {
		w.end()
		p.dropIdle()
	} else if w.has {
		p.put(w)
	} else {
		w.end() // its session could not be opened
	}
	p.leave()
	<-p.slots
}

// end discards the worker's session and stops its goroutine.
func (w *worker[S]) end() {
	if w.has {
		w.p.src.Close(w.s)
		w.has = false
	}
	if w.jobs != nil {
		close(w.jobs)
		w.jobs = nil
	}
	if w.watch != nil {
		w.watch.Stop()
	}
}

func (p *Pool[S]) put(w *worker[S]) {
	p.mu.Lock()
	if p.closed || w.gen != p.gen {
		p.mu.Unlock()
		w.end()
		return
	}
	p.idle = append(p.idle, w)
	p.mu.Unlock()
}

// dropIdle discards every idle session: after a device error they are
// presumed dead too. Sessions in use are discarded when they come back.
func (p *Pool[S]) dropIdle() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.gen++
	p.mu.Unlock()
	for _, w := range idle {
		w.end()
	}
}

func (p *Pool[S]) leave() {
	p.mu.Lock()
	p.inflight--
	if p.inflight == 0 && p.drained != nil {
		close(p.drained)
		p.drained = nil
	}
	p.mu.Unlock()
}
