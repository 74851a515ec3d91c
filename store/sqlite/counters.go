package sqlite

import (
	"context"
	"database/sql"
	"fmt"
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
// lone issuance (the CLI, a quiet portal) reserves exactly its number.
//
// Under steady load (blocks of maxNumberBlock, each used up within
// numberBlockBurst) the next block is reserved ahead, in the background,
// once half of the current one is handed out, so no caller waits for a
// commit to get a number: a caller waiting there held up every other
// issuer of the series behind it, and they all reached the commit queue
// together. The reservation goes to the head of the group commit's queue,
// and a full block is large enough that half of it outlasts the commit
// in progress plus its own (at a thousand documents a second, 64 ms
// against commits of 5–10 ms while the disk is busy; with blocks of 32,
// issuers holding a computing slot waited there 0.6–0.75 s in a 3 s
// benchmark run, per the execution trace). A process that
// stops under load therefore leaves at most 2*maxNumberBlock-1 reserved
// numbers of a series unused: numbers stay unique and increasing within
// a process, with gaps only where a process stopped.
const (
	maxNumberBlock   = 128
	numberBlockBurst = time.Second
)

// numberSeries is the block of one series this process holds.
type numberSeries struct {
	mu        sync.Mutex // held while a block is reserved
	next, end int64      // next number to hand out, last reserved (next > end: none left)
	size      int64      // size of the next reservation
	reserved  time.Time  // when the current block was reserved
	ahead     *numberBlock
}

// numberBlock is a block reserved ahead; its fields are set before done
// is closed.
type numberBlock struct {
	done      chan struct{}
	next, end int64
	reserved  time.Time
	err       error
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
	for {
		if ns.next <= ns.end && ns.next > 0 {
			n := ns.next
			ns.next++
			s.reserveAhead(ctx, series, ns)
			return n, nil
		}
		b := ns.ahead
		if b == nil {
			break
		}
		ns.mu.Unlock()
		select {
		case <-b.done:
		case <-ctx.Done():
			ns.mu.Lock()
			return 0, fmt.Errorf("store/sqlite: allocate number in %s: %w", series, ctx.Err())
		}
		ns.mu.Lock()
		if ns.ahead == b { // the first caller back takes the block
			ns.ahead = nil
			if b.err == nil {
				ns.next, ns.end, ns.reserved = b.next, b.end, b.reserved
			}
		}
	}
	now := s.now()
	switch {
	case ns.reserved.IsZero():
	case now.Sub(ns.reserved) <= numberBlockBurst:
		ns.size = min(2*ns.size, maxNumberBlock)
	default:
		ns.size = 1
	}
	end, err := s.reserveNumbers(ctx, series, ns.size)
	if err != nil {
		return 0, err
	}
	ns.next, ns.end, ns.reserved = end-ns.size+2, end, now
	return end - ns.size + 1, nil
}

// reserveAhead starts reserving the series' next block in the background
// when the load is steady (full blocks used up in a burst), none is
// reserved yet and at most half of the current block is left. ns.mu is
// held.
func (s *Store) reserveAhead(ctx context.Context, series string, ns *numberSeries) {
	now := s.now()
	if ns.ahead != nil || ns.size < maxNumberBlock || ns.end-ns.next+1 > maxNumberBlock/2 ||
		now.Sub(ns.reserved) > numberBlockBurst {
		return
	}
	b := &numberBlock{done: make(chan struct{}), reserved: now}
	ns.ahead = b
	ctx = context.WithoutCancel(ctx)
	go func() {
		defer close(b.done)
		var end int64
		if end, b.err = s.reserveNumbers(ctx, series, maxNumberBlock); b.err == nil {
			b.next, b.end = end-maxNumberBlock+1, end
		}
	}()
}

// reserveNumbers reserves size numbers of series in a group commit, at
// the head of its queue (issuers wait on the block before they render),
// and returns the last of them.
func (s *Store) reserveNumbers(ctx context.Context, series string, size int64) (int64, error) {
	var end int64
	err := s.gc.runFirst(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return wrap(tx.StmtContext(ctx, s.st.allocateNumbers).QueryRowContext(ctx, series, size).Scan(&end),
			"allocate number in %s", series)
	})
	return end, err
}
