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
	timer *time.Timer // reused from call to call
	state atomic.Int32
}

type job[S any] struct {
	ctx context.Context
	fn  func(S) error
}

// A call's state; the caller and the worker's goroutine settle who cleans
// up with compare-and-swap.
const (
	stateRunning   int32 = iota // handed over, the session not yet in use
	stateStarted                // fn runs on w.s
	stateAnswered               // fn returned and the caller gets the answer
	stateAbandoned              // the caller gave up: the worker cleans up
)

// outcome of a hand-over.
type handResult int

const (
	handAnswered handResult = iota
	handCancelled
	handTimedOut
)

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
	if !w.state.CompareAndSwap(stateRunning, stateStarted) {
		return fmt.Errorf("%w: the caller gave up before the call started", ErrTimeout)
	}
	return fn(w.s)
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
	w.state.Store(stateRunning)
	w.jobs <- job[S]{ctx, fn}
	select {
	case err := <-w.done:
		return err, handAnswered
	case <-ctx.Done():
		if err, ok := w.abandon(); ok {
			return err, handAnswered
		}
		return ctx.Err(), handCancelled
	case <-deadline:
		if err, ok := w.abandon(); ok {
			return err, handAnswered
		}
		return fmt.Errorf("%w: no answer within %v", ErrTimeout, timeout), handTimedOut
	}
}

// abandon gives up on the call, or returns its answer when it came first.
// A session in use is interrupted when the source can do that.
func (w *worker[S]) abandon() (error, bool) {
	for {
		st := w.state.Load()
		if st == stateAnswered {
			return <-w.done, true
		}
		if w.state.CompareAndSwap(st, stateAbandoned) {
			if a, ok := w.p.src.(Abandoner[S]); ok && st == stateStarted {
				a.Abandon(w.s) // w.s was written before the state became started
			}
			return nil, false
		}
	}
}

// run is the worker's goroutine: it runs the calls handed to it until its
// jobs channel is closed or a call is abandoned.
func (w *worker[S]) run() {
	for j := range w.jobs {
		err := w.call(j.ctx, j.fn)
		if w.state.CompareAndSwap(stateStarted, stateAnswered) || w.state.CompareAndSwap(stateRunning, stateAnswered) {
			w.done <- err
			continue
		}
		// Abandoned: the session's state is unknown.
		p := w.p
		if w.has {
			p.src.Close(w.s)
		}
		if err != nil && p.src.Failed(err) {
			p.dropIdle()
		}
		p.leave()
		<-p.slots
		return
	}
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
