package sqlite

import (
	"testing"
	"time"
)

// counterValue is the series' stored counter: the last number reserved.
func counterValue(t *testing.T, s *Store, series string) int64 {
	t.Helper()
	var v int64
	if err := s.w.QueryRowContext(t.Context(), `SELECT value FROM counters WHERE series = ?`, series).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// aheadDone waits for the block being reserved ahead in series, if any.
func aheadDone(s *Store, series string) {
	ns := s.numbers.get(series)
	ns.mu.Lock()
	b := ns.ahead
	ns.mu.Unlock()
	if b != nil {
		<-b.done
	}
}

// TestNumberBlocks: numbers come out consecutive; allocations in a burst
// reserve doubling blocks (at most maxNumberBlock), one commit per block;
// under steady load the next full block is reserved ahead once half of
// the current one is handed out, so using it up costs no commit of its
// own; after a pause a block is one number again; a reopened store
// continues after the last reserved number.
func TestNumberBlocks(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }
	const series = "CBZM:2026"
	var want int64
	alloc := func() {
		t.Helper()
		n, err := s.AllocateNumber(t.Context(), series)
		if err != nil {
			t.Fatal(err)
		}
		want++
		if n != want {
			t.Fatalf("AllocateNumber = %d, want %d", n, want)
		}
	}
	// A lone issuance reserves its number only.
	alloc()
	if v := counterValue(t, s, series); v != 1 {
		t.Errorf("after one allocation the counter is %d, want 1", v)
	}
	// A burst: blocks of 2, 4, 8 … maxNumberBlock, each reserved in one
	// commit, and a full block reserved ahead in one more once half of the
	// first full block is handed out.
	before, _ := s.GroupCommitStats()
	blocks := 0
	for size := 2; size < maxNumberBlock; size *= 2 {
		for range size {
			alloc()
		}
		blocks++
	}
	blocks++ // the first full block
	for range maxNumberBlock/2 - 1 {
		alloc()
	}
	if v := counterValue(t, s, series); v != want+maxNumberBlock/2+1 {
		t.Errorf("with more than half of a full block left the counter is %d, want %d (nothing reserved ahead)", v, want+maxNumberBlock/2+1)
	}
	alloc() // half of the block is left: the next is reserved ahead
	aheadDone(s, series)
	if v := counterValue(t, s, series); v != want+maxNumberBlock/2+maxNumberBlock {
		t.Errorf("with half of a full block left the counter is %d, want %d (the next block reserved ahead)", v, want+maxNumberBlock/2+maxNumberBlock)
	}
	after, _ := s.GroupCommitStats()
	if c := after - before; c != int64(blocks+1) {
		t.Errorf("a burst of %d allocations took %d commits, want %d", want-1, c, blocks+1)
	}
	// Using up the block and half of the one reserved ahead: one more
	// commit, the block after it reserved ahead.
	for range maxNumberBlock/2 + maxNumberBlock/2 {
		alloc()
	}
	aheadDone(s, series)
	if after2, _ := s.GroupCommitStats(); after2-after != 1 {
		t.Errorf("a full block under steady load took %d commits, want 1 (the next block reserved ahead)", after2-after)
	}
	if v := counterValue(t, s, series); v != want+maxNumberBlock/2+maxNumberBlock {
		t.Errorf("counter after the block reserved ahead = %d, want %d", v, want+maxNumberBlock/2+maxNumberBlock)
	}
	// A pause: what is reserved is still handed out, nothing more is
	// reserved ahead, and the next block is one number.
	clock = clock.Add(numberBlockBurst + time.Millisecond)
	for range maxNumberBlock/2 + maxNumberBlock {
		alloc()
	}
	aheadDone(s, series)
	if v := counterValue(t, s, series); v != want {
		t.Errorf("after a pause, the reserved numbers used up, the counter is %d, want %d (nothing reserved ahead)", v, want)
	}
	alloc()
	if v := counterValue(t, s, series); v != want {
		t.Errorf("after a pause the counter is %d, want %d (a block of one)", v, want)
	}
	// A process that stops with reserved numbers leaves a gap.
	clock = clock.Add(time.Millisecond)
	alloc() // block of 2: one left unused
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, err := s.AllocateNumber(t.Context(), series)
	if err != nil || n != want+2 {
		t.Errorf("after reopening AllocateNumber = %d, %v; want %d (the unused reserved number skipped)", n, err, want+2)
	}
}
