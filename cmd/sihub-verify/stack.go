package main

// growStack makes the calling goroutine's stack 32 KiB in one step while
// the stack is shallow. The main goroutine starts with 2 KiB and a
// verification needs up to 16 KiB: left alone, the runtime doubles the
// stack three times at whatever depth the verifier happens to be, and
// each doubling allocates a fresh stack (its pages faulted in), copies the
// frames and looks every frame's stack map up in the function tables.
// Done here, at the depth of main, it is one copy of two frames into a
// stack taken whole from the heap (sizes of 32 KiB and more skip the
// small-stack pools, which thread a free list through every chunk of a
// fresh 32 KiB span). A one-file run of sihub-verify takes about 60 page
// faults fewer; a long-running process gains nothing from it (its
// goroutines' starting stack size adapts at each collection).
//
//go:noinline
func growStack() {
	// A 16 KiB frame does not fit the stack at any size under 32 KiB:
	// the runtime grows it to 32 KiB in one copy.
	var frame [16 << 10]byte
	keep(frame[:])
}

// keep is opaque to the compiler, so growStack's frame is not optimised
// away.
//
//go:noinline
func keep([]byte) {}
