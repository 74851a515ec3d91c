package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
)

// Group commit. Every write of this process goes through the one writer
// connection, and with synchronous=FULL each transaction ends with an fsync
// of the WAL: issuing a document used to cost four of them (number,
// document, audit entry, the holder's message), one after another.
// groupCommit instead queues the concurrent callers' work and runs all
// that is waiting in one transaction; when one caller's work fails (a
// taken idempotency key, say) the transaction is rolled back and the rest
// run again without it, so the failure undoes only that caller's
// statements. A caller returns only after the transaction holding its
// work has committed — durably, with the same fsync as before — or with
// the error that undid its work. Nobody waits on a timer: the next batch
// is whatever queued while the previous one committed.
//
// There is no background goroutine: the first caller to find the queue
// idle becomes the leader and runs one batch, the one holding its own
// work; then it hands the lead to the oldest waiting caller and returns.

// maxBatch caps the work run in one transaction.
const maxBatch = 64

// writeJob is one caller's work in a group commit.
type writeJob struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	err  error
	lead bool          // set when the caller is woken to lead the next batch
	wake chan struct{} // closed when err is final or lead is set
}

// groupCommit queues writes for one *sql.DB (the writer pool).
type groupCommit struct {
	db          *sql.DB
	checkpoints *checkpointer // told of every committed batch (checkpoint.go)

	mu    sync.Mutex
	queue []*writeJob
	busy  bool // a leader is running a batch

	stats struct {
		sync.Mutex
		batches, jobs int64
	}
}

// run executes fn inside a transaction shared with other callers' work and
// returns once that transaction committed (nil, or fn's own error after
// its statements were rolled back) or failed as a whole. fn must use only
// tx and must not call back into the store's write path; it may run more
// than once (when another caller's work in the batch fails), and only its
// last run counts. ctx is checked before fn starts; once started, fn's
// statements run to completion.
func (g *groupCommit) run(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return g.enqueue(ctx, fn, false)
}

// runFirst is run for work that others wait on before they can even
// queue theirs (a block of document numbers): it goes to the head of the
// queue, so it is in the next batch instead of behind every write queued
// before it.
func (g *groupCommit) runFirst(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return g.enqueue(ctx, fn, true)
}

func (g *groupCommit) enqueue(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error, first bool) error {
	j := &writeJob{ctx: ctx, fn: fn, wake: make(chan struct{})}
	g.mu.Lock()
	if first {
		at := 0
		if len(g.queue) > 0 && g.queue[0].lead {
			at = 1 // behind a caller already woken to lead: its batch must hold its own work
		}
		g.queue = slices.Insert(g.queue, at, j)
	} else {
		g.queue = append(g.queue, j)
	}
	if g.busy {
		g.mu.Unlock()
		<-j.wake
		if !j.lead {
			return j.err
		}
		g.mu.Lock()
	}
	g.busy = true
	n := min(len(g.queue), maxBatch)
	batch := g.queue[:n:n]
	g.queue = append([]*writeJob(nil), g.queue[n:]...)
	g.mu.Unlock()

	g.commit(batch)

	g.mu.Lock()
	if len(g.queue) > 0 {
		next := g.queue[0]
		next.lead = true
		close(next.wake)
	} else {
		g.busy = false
	}
	g.mu.Unlock()
	return j.err
}

// commit runs one batch in one transaction and wakes its callers. When a
// caller's work fails, the transaction is rolled back and the others' work
// run again without it, so the failed work leaves nothing behind and no
// statement is spent on savepoints in the common case.
func (g *groupCommit) commit(batch []*writeJob) {
	defer func() {
		for _, j := range batch {
			if !j.lead { // a promoted leader's wake is already closed
				close(j.wake)
			}
		}
	}()
	g.stats.Lock()
	g.stats.batches++
	g.stats.jobs += int64(len(batch))
	g.stats.Unlock()

	pending := make([]*writeJob, 0, len(batch))
	for _, j := range batch {
		if err := j.ctx.Err(); err != nil {
			j.err = fmt.Errorf("store/sqlite: %w", err)
			continue
		}
		pending = append(pending, j)
	}
	for len(pending) > 0 {
		tx, err := g.db.BeginTx(context.Background(), nil)
		if err != nil {
			for _, j := range pending {
				j.err = fmt.Errorf("store/sqlite: begin: %w", err)
			}
			return
		}
		failed := false
		for _, j := range pending {
			if j.err = j.fn(context.WithoutCancel(j.ctx), tx); j.err != nil {
				failed = true
			}
		}
		if !failed {
			if err := tx.Commit(); err != nil {
				for _, j := range pending {
					j.err = fmt.Errorf("store/sqlite: commit: %w", err)
				}
				return
			}
			g.checkpoints.committed(len(pending))
			return
		}
		tx.Rollback()
		ok := pending[:0]
		for _, j := range pending {
			if j.err == nil {
				ok = append(ok, j)
			}
		}
		pending = ok
	}
}

// GroupCommitStats reports how many write transactions the group commit
// ran and how many callers' writes they held since Open.
func (s *Store) GroupCommitStats() (batches, jobs int64) {
	s.gc.stats.Lock()
	defer s.gc.stats.Unlock()
	return s.gc.stats.batches, s.gc.stats.jobs
}

// execJSONGrouped is execJSON through the group commit: a write of one
// statement on the issuing path (a document's notice, say) that shares
// its caller's neighbours' transaction instead of paying its own fsync.
func (s *Store) execJSONGrouped(ctx context.Context, stmt *sql.Stmt, what string, v any, args ...any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store/sqlite: %s: encode: %w", what, err)
	}
	args = append(args, string(data))
	return s.gc.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.StmtContext(ctx, stmt).ExecContext(ctx, args...)
		return wrap(err, "%s", what)
	})
}
