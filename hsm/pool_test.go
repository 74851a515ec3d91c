package hsm

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

var errBroken = errors.New("fake device: broken")
var errRequest = errors.New("fake device: bad request")

// fakeSessions counts sessions; Failed recognises errBroken.
type fakeSessions struct {
	mu         sync.Mutex
	next, open int
	closed     []int
	failOpen   bool
}

func (f *fakeSessions) Open(context.Context) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failOpen {
		return 0, errBroken
	}
	f.next++
	f.open++
	return f.next, nil
}

func (f *fakeSessions) Close(s int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.open--
	f.closed = append(f.closed, s)
}

func (f *fakeSessions) Failed(err error) bool { return errors.Is(err, errBroken) }

func (f *fakeSessions) counts() (next, open int, closed []int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.next, f.open, append([]int(nil), f.closed...)
}

func TestPoolReusesSessions(t *testing.T) {
	src := &fakeSessions{}
	p := NewPool[int](src, PoolOptions{MaxSessions: 2})
	var used []int
	for range 5 {
		if err := p.Do(context.Background(), func(s int) error { used = append(used, s); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range used {
		if s != 1 {
			t.Fatalf("sessions used %v, want session 1 reused", used)
		}
	}
	// A request error keeps the session.
	if err := p.Do(context.Background(), func(int) error { return errRequest }); !errors.Is(err, errRequest) || errors.Is(err, ErrDeviceUnavailable) {
		t.Fatalf("request error: %v", err)
	}
	if n, open, _ := src.counts(); n != 1 || open != 1 {
		t.Fatalf("opened %d, open %d", n, open)
	}
	p.Close()
	if _, open, _ := src.counts(); open != 0 {
		t.Fatalf("%d sessions open after Close", open)
	}
	if err := p.Do(context.Background(), func(int) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("Do after Close: %v", err)
	}
}

func TestPoolBoundsConcurrency(t *testing.T) {
	src := &fakeSessions{}
	p := NewPool[int](src, PoolOptions{MaxSessions: 2})
	release := make(chan struct{})
	started := make(chan int, 3)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = p.Do(context.Background(), func(s int) error { started <- s; <-release; return nil })
		}()
	}
	<-started
	<-started
	select {
	case s := <-started:
		t.Fatalf("a third call (session %d) ran while two held the pool", s)
	default:
	}
	close(release)
	wg.Wait()
	if n, _, _ := src.counts(); n != 2 {
		t.Fatalf("%d sessions opened, want 2", n)
	}
}

func TestPoolDeviceErrorDropsSessions(t *testing.T) {
	src := &fakeSessions{}
	p := NewPool[int](src, PoolOptions{MaxSessions: 2, FailureThreshold: 10})
	// Two idle sessions.
	hold := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	in := make(chan struct{})
	go func() {
		defer wg.Done()
		_ = p.Do(context.Background(), func(int) error { close(in); <-hold; return nil })
	}()
	<-in
	_ = p.Do(context.Background(), func(int) error { return nil })
	close(hold)
	wg.Wait()
	err := p.Do(context.Background(), func(int) error { return errBroken })
	if !errors.Is(err, ErrDeviceUnavailable) || !errors.Is(err, errBroken) {
		t.Fatalf("device error: %v", err)
	}
	if _, open, closed := src.counts(); open != 0 || len(closed) != 2 {
		t.Fatalf("after a device error: %d open, closed %v", open, closed)
	}
	var s int
	_ = p.Do(context.Background(), func(x int) error { s = x; return nil })
	if s != 3 {
		t.Fatalf("next call used session %d, want a new one (3)", s)
	}
}

func TestPoolTimeout(t *testing.T) {
	src := &fakeSessions{}
	fire := make(chan time.Time)
	p := NewPool[int](src, PoolOptions{MaxSessions: 1, CallTimeout: time.Second, Mode: ModeHandOff,
		After: func(time.Duration) <-chan time.Time { return fire }})
	release := make(chan struct{})
	inCall := make(chan struct{})
	res := make(chan error)
	go func() {
		res <- p.Do(context.Background(), func(int) error { close(inCall); <-release; return nil })
	}()
	<-inCall
	fire <- time.Time{} // the deadline passes while the device call hangs
	if err := <-res; !errors.Is(err, ErrTimeout) || !errors.Is(err, ErrDeviceUnavailable) {
		t.Fatalf("hung call: %v, want ErrTimeout", err)
	}
	// The slot is still held by the hung call: the next caller waits for it.
	next := make(chan error)
	var used int
	go func() { next <- p.Do(context.Background(), func(s int) error { used = s; return nil }) }()
	select {
	case err := <-next:
		t.Fatalf("a call ran while the hung call held the only session: %v", err)
	default:
	}
	close(release) // the hung call returns: its session is discarded
	if err := <-next; err != nil {
		t.Fatal(err)
	}
	if _, _, closed := src.counts(); used != 2 || len(closed) != 1 || closed[0] != 1 {
		t.Fatalf("after the hung call: next used session %d, closed %v", used, closed)
	}
}

func TestPoolContextCancel(t *testing.T) {
	src := &fakeSessions{}
	p := NewPool[int](src, PoolOptions{MaxSessions: 1, FailureThreshold: 1, Mode: ModeHandOff})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	block := make(chan struct{})
	go func() { _ = p.Do(context.Background(), func(int) error { <-block; return nil }) }()
	// With the only slot possibly taken, a cancelled context returns ctx.Err.
	if err := p.Do(ctx, func(int) error { <-block; return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	close(block)
	if st := p.State(); st != "closed" {
		t.Fatalf("a cancelled call moved the breaker to %s", st)
	}
}

func TestBreaker(t *testing.T) {
	src := &fakeSessions{}
	clk := &fakeClock{now: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
	var transitions []bool
	p := NewPool[int](src, PoolOptions{FailureThreshold: 3, CoolDown: time.Minute, Now: clk.Now,
		OnBreaker: func(open bool) { transitions = append(transitions, open) }})
	fail := func(int) error { return errBroken }
	ok := func(int) error { return nil }
	ctx := context.Background()

	// Failures interrupted by a success do not open it.
	_ = p.Do(ctx, fail)
	_ = p.Do(ctx, fail)
	_ = p.Do(ctx, ok)
	_ = p.Do(ctx, fail)
	_ = p.Do(ctx, fail)
	if p.State() != "closed" {
		t.Fatalf("state %s after 2 consecutive failures", p.State())
	}
	_ = p.Do(ctx, fail)
	if p.State() != "open" {
		t.Fatalf("state %s after 3 consecutive failures", p.State())
	}
	ran := false
	err := p.Do(ctx, func(int) error { ran = true; return nil })
	if !errors.Is(err, ErrCircuitOpen) || !errors.Is(err, ErrDeviceUnavailable) || ran {
		t.Fatalf("open breaker: %v (ran %v)", err, ran)
	}
	clk.Advance(59 * time.Second)
	if err := p.Do(ctx, ok); !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("before the cool-down: %v", err)
	}
	clk.Advance(time.Second)
	if p.State() != "half-open" {
		t.Fatalf("state %s after the cool-down", p.State())
	}
	// A failed probe opens it again for a full cool-down.
	if err := p.Do(ctx, fail); !errors.Is(err, errBroken) {
		t.Fatalf("probe: %v", err)
	}
	if p.State() != "open" {
		t.Fatalf("state %s after a failed probe", p.State())
	}
	clk.Advance(time.Minute)
	// Only one probe at a time.
	probing := make(chan struct{})
	finish := make(chan struct{})
	done := make(chan error)
	go func() { done <- p.Do(ctx, func(int) error { close(probing); <-finish; return nil }) }()
	<-probing
	if err := p.Do(ctx, ok); !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("second call during the probe: %v", err)
	}
	close(finish)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if p.State() != "closed" {
		t.Fatalf("state %s after a successful probe", p.State())
	}
	// Opened once, stayed open through the failed probe, closed once.
	if !slices.Equal(transitions, []bool{true, false}) {
		t.Fatalf("OnBreaker saw %v", transitions)
	}
	if err := p.Do(ctx, ok); err != nil {
		t.Fatal(err)
	}
}

func TestBreakerCountsOpenFailures(t *testing.T) {
	src := &fakeSessions{failOpen: true}
	clk := &fakeClock{now: time.Unix(0, 0)}
	p := NewPool[int](src, PoolOptions{FailureThreshold: 2, CoolDown: time.Minute, Now: clk.Now})
	for range 2 {
		if err := p.Do(context.Background(), func(int) error { return nil }); !errors.Is(err, ErrDeviceUnavailable) {
			t.Fatalf("open failure: %v", err)
		}
	}
	if p.State() != "open" {
		t.Fatalf("state %s", p.State())
	}
}

func TestPoolInline(t *testing.T) {
	src := &fakeSessions{}
	var mu sync.Mutex
	var deadline chan time.Time // the latest call's
	opened := make(chan bool, 4)
	p := NewPool[int](src, PoolOptions{Mode: ModeInline, FailureThreshold: 1, CoolDown: time.Minute,
		After: func(time.Duration) <-chan time.Time {
			mu.Lock()
			defer mu.Unlock()
			deadline = make(chan time.Time, 1)
			return deadline
		},
		OnBreaker: func(open bool) { opened <- open }})
	ctx := context.Background()
	var used []int
	for range 2 {
		if err := p.Do(ctx, func(s int) error { used = append(used, s); return nil }); err != nil {
			t.Fatalf("inline call: %v", err)
		}
	}
	if !slices.Equal(used, []int{1, 1}) {
		t.Fatalf("inline calls used sessions %v, want one session reused", used)
	}
	// The deadline passes during a call: the watchdog counts the timeout
	// (the breaker opens at once) while the caller still waits for the
	// device; when it returns, its answer is ErrTimeout and its session is
	// discarded.
	err := p.Do(ctx, func(int) error {
		mu.Lock()
		deadline <- time.Time{}
		mu.Unlock()
		if !<-opened {
			t.Error("breaker reported closed")
		}
		return nil
	})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("inline call past its deadline: %v, want ErrTimeout", err)
	}
	if p.State() != "open" {
		t.Fatalf("breaker %s after the timeout", p.State())
	}
	if _, open, closed := src.counts(); open != 0 || !slices.Equal(closed, []int{1}) {
		t.Fatalf("after the timeout: open %d, closed %v", open, closed)
	}
	if !p.Drain(nil) {
		t.Fatal("not drained")
	}
}

// TestPoolInlineDeviceError: a device error on an inline call drops the
// session and counts against the breaker.
func TestPoolInlineDeviceError(t *testing.T) {
	src := &fakeSessions{}
	p := NewPool[int](src, PoolOptions{Mode: ModeInline, FailureThreshold: 1, CoolDown: time.Minute})
	if err := p.Do(context.Background(), func(int) error { return errBroken }); !errors.Is(err, ErrDeviceUnavailable) {
		t.Fatalf("inline device error: %v", err)
	}
	if p.State() != "open" {
		t.Fatalf("breaker %s", p.State())
	}
	if _, open, closed := src.counts(); open != 0 || len(closed) != 1 {
		t.Fatalf("open %d closed %v", open, closed)
	}
}

// TestPoolInlineRealTimer: with the real clock, a watchdog armed for an
// earlier call never abandons a later one, and a call that ends in time
// is not abandoned.
func TestPoolInlineRealTimer(t *testing.T) {
	src := &fakeSessions{}
	p := NewPool[int](src, PoolOptions{Mode: ModeInline, CallTimeout: time.Hour})
	for i := range 1000 {
		if err := p.Do(context.Background(), func(int) error { return nil }); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n, _, closed := src.counts(); n != 1 || len(closed) != 0 {
		t.Fatalf("opened %d, closed %v: a call in time was abandoned", n, closed)
	}
}

// abandoningSessions can interrupt a session (as a process can be killed).
type abandoningSessions struct {
	fakeSessions
	interrupt map[int]chan struct{}
	mu        sync.Mutex
}

func (a *abandoningSessions) Abandon(s int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	close(a.interrupt[s])
}

func TestPoolAbandonInterrupts(t *testing.T) {
	src := &abandoningSessions{interrupt: map[int]chan struct{}{1: make(chan struct{})}}
	fire := make(chan time.Time)
	p := NewPool[int](src, PoolOptions{MaxSessions: 1, Mode: ModeHandOff, After: func(time.Duration) <-chan time.Time { return fire }})
	res := make(chan error)
	inCall := make(chan struct{})
	go func() {
		res <- p.Do(context.Background(), func(s int) error {
			close(inCall)
			src.mu.Lock()
			ch := src.interrupt[s]
			src.mu.Unlock()
			<-ch // only Abandon ends this call
			return errBroken
		})
	}()
	<-inCall
	fire <- time.Time{}
	if err := <-res; !errors.Is(err, ErrTimeout) {
		t.Fatalf("abandoned call: %v", err)
	}
	// The interrupted call released its slot: this one runs on a new session.
	var used int
	if err := p.Do(context.Background(), func(s int) error { used = s; return nil }); err != nil || used != 2 {
		t.Fatalf("next call: session %d, %v", used, err)
	}
}

func TestPoolDrain(t *testing.T) {
	src := &fakeSessions{}
	fire := make(chan time.Time)
	p := NewPool[int](src, PoolOptions{After: func(time.Duration) <-chan time.Time { return fire }})
	if !p.Drain(nil) {
		t.Fatal("idle pool not drained")
	}
	release := make(chan struct{})
	inCall := make(chan struct{})
	res := make(chan error)
	go func() { res <- p.Do(context.Background(), func(int) error { close(inCall); <-release; return nil }) }()
	<-inCall
	fire <- time.Time{}
	<-res // the caller has given up, the call still runs
	p.Close()
	never := make(chan time.Time, 1)
	never <- time.Time{}
	if p.Drain(never) {
		t.Fatal("Drain reported no call running while one is")
	}
	close(release)
	if !p.Drain(nil) {
		t.Fatal("Drain after the call returned")
	}
	if _, open, _ := src.counts(); open != 0 {
		t.Fatalf("%d sessions open after the hung call returned to a closed pool", open)
	}
}

func TestPoolHungCallLeavesOtherSessions(t *testing.T) {
	src := &fakeSessions{}
	fire := make(chan time.Time)
	p := NewPool[int](src, PoolOptions{MaxSessions: 2, FailureThreshold: 5, Mode: ModeHandOff,
		After: func(time.Duration) <-chan time.Time { return fire }})
	release := make(chan struct{})
	inCall := make(chan int)
	res := make(chan error)
	go func() {
		res <- p.Do(context.Background(), func(s int) error { inCall <- s; <-release; return nil })
	}()
	hung := <-inCall
	fire <- time.Time{}
	if err := <-res; !errors.Is(err, ErrTimeout) {
		t.Fatalf("hung call: %v, want ErrTimeout", err)
	}
	// The other slot serves call after call on one session of its own,
	// while the hung call still holds its session.
	var used []int
	for range 3 {
		if err := p.Do(context.Background(), func(s int) error { used = append(used, s); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range used {
		if s == hung || s != used[0] {
			t.Fatalf("sessions used %v while session %d hung", used, hung)
		}
	}
	close(release)
	if !p.Drain(nil) {
		t.Fatal("not drained after the hung call returned")
	}
	if _, _, closed := src.counts(); !slices.Equal(closed, []int{hung}) {
		t.Fatalf("closed %v, want only the hung session %d", closed, hung)
	}
}
