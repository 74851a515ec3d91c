package hsm

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// onCallersGoroutine reports whether a device call runs on its caller's
// goroutine (inline: Pool.DoWithin is on the stack) rather than on the
// session's goroutine.
func onCallersGoroutine() bool {
	buf := make([]byte, 64<<10)
	return strings.Contains(string(buf[:runtime.Stack(buf, false)]), ").DoWithin(")
}

// TestPoolAutoInlinesFastDevices: in the default mode the first call is
// handed off; once the device's calls are known to take less than
// InlineBelow they run on the caller's goroutine, and a device whose calls
// are slow stays on the hand-off path.
func TestPoolAutoInlinesFastDevices(t *testing.T) {
	for _, tc := range []struct {
		name   string
		took   time.Duration
		inline bool
	}{
		{"local token", 90 * time.Microsecond, true},
		{"network HSM", 4 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Unix(1e9, 0)}
			p := NewPool[int](&fakeSessions{}, PoolOptions{Now: clock.Now})
			defer p.Close()
			if path, avg := p.CallPath(); path != "hand-off" || avg != 0 {
				t.Fatalf("a new pool: %s with average %v, want hand-off until it knows the device", path, avg)
			}
			var paths []bool
			for range 3 {
				err := p.Do(context.Background(), func(int) error {
					paths = append(paths, onCallersGoroutine())
					clock.Advance(tc.took)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			want := []bool{false, tc.inline, tc.inline}
			for i := range want {
				if paths[i] != want[i] {
					t.Fatalf("calls ran on the caller's goroutine: %v, want %v", paths, want)
				}
			}
			if path, avg := p.CallPath(); (path == "inline") != tc.inline || avg != tc.took {
				t.Fatalf("after three calls of %v: %s with average %v", tc.took, path, avg)
			}
		})
	}
}

// TestPoolAutoHandsOffAfterAHang: a call that outlives its timeout on the
// inline path is counted by the watchdog; from then on every call is
// handed off, so a caller whose device hangs gets ErrTimeout at the
// deadline, before the device returns.
func TestPoolAutoHandsOffAfterAHang(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	var mu sync.Mutex
	var deadline chan time.Time // the latest call's
	p := NewPool[int](&fakeSessions{}, PoolOptions{Now: clock.Now, FailureThreshold: 10,
		After: func(time.Duration) <-chan time.Time {
			mu.Lock()
			defer mu.Unlock()
			deadline = make(chan time.Time, 1)
			return deadline
		}})
	defer p.Close()
	fast := func(int) error { clock.Advance(50 * time.Microsecond); return nil }
	for range 2 {
		if err := p.Do(context.Background(), fast); err != nil {
			t.Fatal(err)
		}
	}
	if path, _ := p.CallPath(); path != "inline" {
		t.Fatalf("a fast device's calls go %s", path)
	}
	// The inline call hangs past its deadline: its caller waits for the
	// device, the watchdog counts the timeout.
	err := p.Do(context.Background(), func(int) error {
		if !onCallersGoroutine() {
			t.Error("the call before the hang was not inline")
		}
		mu.Lock()
		deadline <- time.Time{}
		mu.Unlock()
		for {
			if path, _ := p.CallPath(); path == "hand-off" {
				return nil
			}
			runtime.Gosched()
		}
	})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("inline call past its deadline: %v, want ErrTimeout", err)
	}
	// The next call hangs too, on the hand-off path: its caller gets
	// ErrTimeout while the device call is still running.
	release := make(chan struct{})
	inCall := make(chan bool)
	res := make(chan error)
	go func() {
		res <- p.Do(context.Background(), func(int) error {
			inCall <- onCallersGoroutine()
			<-release
			return nil
		})
	}()
	if <-inCall {
		t.Fatal("a call after a hang ran inline")
	}
	mu.Lock()
	deadline <- time.Time{}
	mu.Unlock()
	if err := <-res; !errors.Is(err, ErrTimeout) {
		t.Fatalf("hung call after a hang: %v, want ErrTimeout at the deadline", err)
	}
	close(release)
	if !p.Drain(nil) {
		t.Fatal("not drained")
	}
	if path, _ := p.CallPath(); path != "hand-off" {
		t.Fatalf("after a hang calls go %s, want hand-off for good", path)
	}
}

// TestPoolModes: the explicit modes do not adapt.
func TestPoolModes(t *testing.T) {
	for _, tc := range []struct {
		opts   PoolOptions
		inline bool
	}{
		{PoolOptions{Mode: ModeHandOff}, false},
		{PoolOptions{Mode: ModeInline}, true},
		{PoolOptions{InlineBelow: -1}, false},
	} {
		clock := &fakeClock{now: time.Unix(1e9, 0)}
		tc.opts.Now = clock.Now
		p := NewPool[int](&fakeSessions{}, tc.opts)
		for i := range 3 {
			err := p.Do(context.Background(), func(int) error {
				if got := onCallersGoroutine(); got != tc.inline {
					t.Errorf("%+v call %d inline %v, want %v", tc.opts, i, got, tc.inline)
				}
				clock.Advance(time.Microsecond)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		p.Close()
	}
}
