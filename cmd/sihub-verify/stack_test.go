package main

import (
	"testing"
	"unsafe"
)

// deepFrames calls itself n times with a 256-byte frame each and returns
// the sum of what its frames hold, so the recursion is not optimised away.
//
//go:noinline
func deepFrames(n int) int {
	var pad [256]byte
	pad[n%len(pad)] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return deepFrames(n-1) + int(pad[n%len(pad)])
}

// stackMoved reports whether a goroutine's stack was copied elsewhere
// while it made 12 KiB of nested calls, after calling grow if set.
func stackMoved(grow func()) bool {
	moved := make(chan bool)
	go func() {
		if grow != nil {
			grow()
		}
		var local int
		before := uintptr(unsafe.Pointer(&local))
		deepFrames(48)
		moved <- uintptr(unsafe.Pointer(&local)) != before
	}()
	return <-moved
}

// TestGrowStack: after growStack a goroutine makes 12 KiB of nested calls
// without its stack being copied; without it, the stack is copied (the
// check can tell).
func TestGrowStack(t *testing.T) {
	if !stackMoved(nil) {
		t.Fatal("a fresh goroutine's stack was not copied by 12 KiB of nested calls: the check cannot tell")
	}
	if stackMoved(growStack) {
		t.Error("the stack was copied during the nested calls after growStack")
	}
}
