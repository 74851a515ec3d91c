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

// TestNumberBlocks: numbers come out consecutive; allocations in a burst
// reserve doubling blocks (at most maxNumberBlock), one commit per block;
// after a pause a block is one number again; a reopened store continues
// after the last reserved number.
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
	// A burst: blocks of 2, 4, 8, 16, 32, 32, each reserved in one commit.
	before, _ := s.GroupCommitStats()
	for range 2 + 4 + 8 + 16 + 32 + 32 {
		alloc()
	}
	after, _ := s.GroupCommitStats()
	if c := after - before; c != 6 {
		t.Errorf("a burst of %d allocations took %d commits, want 6", 94, c)
	}
	if v := counterValue(t, s, series); v != want {
		t.Errorf("after using up the blocks the counter is %d, want %d", v, want)
	}
	alloc() // reserves a block of 32, hands out its first
	if v := counterValue(t, s, series); v != want+maxNumberBlock-1 {
		t.Errorf("counter after reserving a full block = %d, want %d", v, want+maxNumberBlock-1)
	}
	for range maxNumberBlock - 1 {
		alloc()
	}
	// A pause: the next block is one number.
	clock = clock.Add(numberBlockBurst + time.Millisecond)
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
