package signer

import (
	"context"
	"errors"
	"testing"
)

// With Parallel slots taken, the next issuance waits until one is given
// back (once, however often its release is called), or gives up with its
// context.
func TestAdmitWaitsForASlot(t *testing.T) {
	s := &Service{cpu: make(chan struct{}, 2)}
	r1, err := s.admit(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.admit(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	admitted := make(chan func())
	go func() {
		r, err := s.admit(context.Background())
		if err != nil {
			t.Error(err)
		}
		admitted <- r
	}()
	select {
	case <-admitted:
		t.Fatal("a third issuance admitted while both slots are taken")
	default:
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.admit(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("admit with a cancelled context and no slot free = %v, want context.Canceled", err)
	}
	r1()
	r3 := <-admitted // the slot r1 gave back
	r1()             // a second release gives back nothing more
	if len(s.cpu) != 2 {
		t.Fatalf("%d slots taken after r1 released twice and r3 admitted, want 2", len(s.cpu))
	}
	r2()
	r3()
	if len(s.cpu) != 0 {
		t.Fatalf("%d slots taken after every release, want 0", len(s.cpu))
	}
}
