//go:build cgo

package sdf

import (
	"crypto/ecdsa"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"sihub/hsm"
)

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// A batch of signatures while the device dies and comes back: the failures
// are clear (hsm.ErrDeviceUnavailable), the breaker stops calling the dead
// device, and signing recovers after the cool-down.
func TestSDFDeviceFailureMidBatch(t *testing.T) {
	d := newTestDevice(t, 64, 1)
	clk := &testClock{now: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
	b, k := d.open(t, hsm.PoolOptions{MaxSessions: 2, FailureThreshold: 2, CoolDown: time.Minute, Now: clk.Now})
	pub := k.Public().(*ecdsa.PublicKey)
	sign := func(i int) error {
		msg := []byte{byte(i)}
		sig, err := k.Sign(nil, msg, sm2.DefaultSM2SignerOpts)
		if err == nil && !sm2.VerifyASN1WithSM2(pub, nil, msg, sig) {
			t.Fatalf("document %d: invalid signature", i)
		}
		return err
	}
	for i := range 3 {
		if err := sign(i); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
	}
	d.set(t, d.fail, true) // the device dies
	for i := 3; i < 5; i++ {
		err := sign(i)
		var code SDR
		if !errors.Is(err, hsm.ErrDeviceUnavailable) || errors.Is(err, hsm.ErrCircuitOpen) || !errors.As(err, &code) {
			t.Fatalf("document %d on a dead device: %v", i, err)
		}
	}
	if b.Breaker() != "open" {
		t.Fatalf("breaker %s after 2 failures", b.Breaker())
	}
	if err := sign(5); !errors.Is(err, hsm.ErrCircuitOpen) {
		t.Fatalf("document 5 with the breaker open: %v", err)
	}
	d.set(t, d.fail, false) // the device is back, the breaker still cools down
	if err := sign(6); !errors.Is(err, hsm.ErrCircuitOpen) {
		t.Fatalf("document 6 before the cool-down: %v", err)
	}
	clk.Advance(time.Minute)
	for i := 7; i < 10; i++ {
		if err := sign(i); err != nil {
			t.Fatalf("document %d after recovery: %v", i, err)
		}
	}
	if b.Breaker() != "closed" {
		t.Fatalf("breaker %s after recovery", b.Breaker())
	}
}

// A device call that hangs on the hand-off path: the caller gets
// hsm.ErrTimeout at the deadline (the cgo call cannot be interrupted), the
// session is discarded when the call finally returns, and signing goes on.
func TestSDFHungCallTimesOut(t *testing.T) {
	d := newTestDevice(t, 64, 1)
	fire := make(chan time.Time)
	b, k := d.open(t, hsm.PoolOptions{MaxSessions: 1, CallTimeout: time.Second, Mode: hsm.ModeHandOff,
		After: func(time.Duration) <-chan time.Time { return fire }})
	d.set(t, d.hang, true)
	res := make(chan error)
	go func() {
		_, err := k.Sign(nil, []byte("m"), sm2.DefaultSM2SignerOpts)
		res <- err
	}()
	fire <- time.Time{}
	if err := <-res; !errors.Is(err, hsm.ErrTimeout) {
		t.Fatalf("hung sign: %v, want ErrTimeout", err)
	}
	d.set(t, d.hang, false) // the call returns; its session must not be reused
	if _, err := k.Sign(nil, []byte("m"), sm2.DefaultSM2SignerOpts); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	live := b.live
	b.mu.Unlock()
	if live != 1 {
		t.Fatalf("%d sessions open, want 1 (the hung one discarded)", live)
	}
}

// In the default mode a device known to be fast is called inline: when such
// a call hangs, the watchdog counts the timeout at the deadline while its
// caller waits for the device; from then on calls are handed off, so the
// next caller whose call hangs gets hsm.ErrTimeout at its deadline, while
// the device still holds the call.
func TestSDFHungCallAutoMode(t *testing.T) {
	d := newTestDevice(t, 64, 1)
	var mu sync.Mutex
	var deadlines []chan time.Time
	b, k := d.open(t, hsm.PoolOptions{MaxSessions: 2, CallTimeout: time.Second, FailureThreshold: 10, InlineBelow: time.Hour,
		After: func(time.Duration) <-chan time.Time {
			mu.Lock()
			defer mu.Unlock()
			ch := make(chan time.Time, 1)
			deadlines = append(deadlines, ch)
			return ch
		}})
	sign := func() error { _, err := k.Sign(nil, []byte("m"), sm2.DefaultSM2SignerOpts); return err }
	for range 2 {
		if err := sign(); err != nil {
			t.Fatal(err)
		}
	}
	if path, _ := b.pool.CallPath(); path != "inline" {
		t.Fatalf("a device answering within InlineBelow is called %s", path)
	}
	// expire waits for the n-th call's deadline to be armed and fires it.
	expire := func(n int) {
		for {
			mu.Lock()
			if len(deadlines) >= n {
				deadlines[n-1] <- time.Time{}
				mu.Unlock()
				return
			}
			mu.Unlock()
			time.Sleep(time.Millisecond)
		}
	}
	mu.Lock()
	armed := len(deadlines)
	mu.Unlock()

	d.set(t, d.hang, true)
	first := make(chan error, 1)
	go func() { first <- sign() }()
	expire(armed + 1)
	for path := ""; path != "hand-off"; path, _ = b.pool.CallPath() {
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-first:
		t.Fatalf("the inline caller returned while the device still hangs: %v", err)
	default:
	}
	second := make(chan error, 1)
	go func() { second <- sign() }()
	expire(armed + 2)
	if err := <-second; !errors.Is(err, hsm.ErrTimeout) {
		t.Fatalf("hung call after the first hang: %v, want ErrTimeout at the deadline", err)
	}
	d.set(t, d.hang, false)
	if err := <-first; !errors.Is(err, hsm.ErrTimeout) {
		t.Fatalf("the inline call that outlived its deadline: %v, want ErrTimeout", err)
	}
	if err := sign(); err != nil {
		t.Fatalf("signing after the device came back: %v", err)
	}
	if path, _ := b.pool.CallPath(); path != "hand-off" {
		t.Fatalf("after a hang calls go %s", path)
	}
}
