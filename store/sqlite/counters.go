package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// Numbers are reserved in blocks. Every AllocateNumber used to be a
// durable commit of its own before the document could even be rendered;
// under load a process now reserves several numbers of a series with one
// atomic upsert (SQLite's write lock serialises it against every other
// writer, in this process and in others) and hands them out from memory.
// A block starts at one number and doubles, up to maxNumberBlock, while
// each block is used up within numberBlockBurst of its reservation; a
// block that lasted longer makes the next one a single number again. So a
// lone issuance (the CLI, a quiet portal) reserves exactly its number, and
// a process that stops under load leaves at most maxNumberBlock-1
// reserved numbers of a series unused: numbers stay unique and increasing
// within a process, with gaps only where a process stopped.
const (
	maxNumberBlock   = 32
	numberBlockBurst = time.Second
)

// numberSeries is the block of one series this process holds.
type numberSeries struct {
	mu        sync.Mutex // held while a block is reserved
	next, end int64      // next number to hand out, last reserved (next > end: none left)
	size      int64      // size of the next reservation
	reserved  time.Time  // when the current block was reserved
}

// numberBlocks are the series this process holds blocks of.
type numberBlocks struct {
	mu     sync.Mutex
	series map[string]*numberSeries
}

func (b *numberBlocks) get(series string) *numberSeries {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.series == nil {
		b.series = map[string]*numberSeries{}
	}
	ns := b.series[series]
	if ns == nil {
		ns = &numberSeries{size: 1}
		b.series[series] = ns
	}
	return ns
}

// AllocateNumber returns the next number of a series (1, 2, 3 … within a
// process; see above for blocks). A reservation is group-committed with
// the other issuing writes, and a number is returned only once its block
// is durable.
func (s *Store) AllocateNumber(ctx context.Context, series string) (int64, error) {
	if series == "" {
		return 0, invalid("empty number series")
	}
	ns := s.numbers.get(series)
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if ns.next <= ns.end && ns.next > 0 {
		n := ns.next
		ns.next++
		return n, nil
	}
	now := s.now()
	switch {
	case ns.reserved.IsZero():
	case now.Sub(ns.reserved) <= numberBlockBurst:
		ns.size = min(2*ns.size, maxNumberBlock)
	default:
		ns.size = 1
	}
	var end int64
	err := s.gc.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return wrap(tx.StmtContext(ctx, s.st.allocateNumbers).QueryRowContext(ctx, series, ns.size).Scan(&end),
			"allocate number in %s", series)
	})
	if err != nil {
		return 0, err
	}
	ns.next, ns.end, ns.reserved = end-ns.size+2, end, now
	return end - ns.size + 1, nil
}
