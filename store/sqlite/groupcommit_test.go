package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"sihub/model"
)

func openInternal(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// holdLeader starts a write that blocks inside its transaction until the
// returned release is called, so that later writes queue behind it.
func holdLeader(t *testing.T, s *Store) (release func(), done <-chan error) {
	t.Helper()
	entered, hold := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- s.gc.run(t.Context(), func(ctx context.Context, tx *sql.Tx) error {
			close(entered)
			<-hold
			return nil
		})
	}()
	<-entered
	return func() { close(hold) }, errc
}

// waitQueued yields until n writes wait behind the leader.
func waitQueued(s *Store, n int) {
	for {
		s.gc.mu.Lock()
		q := len(s.gc.queue)
		s.gc.mu.Unlock()
		if q >= n {
			return
		}
		runtime.Gosched()
	}
}

func groupDoc(i int, idem string) model.Document {
	return model.Document{Code: fmt.Sprintf("GC%018d", i), Number: fmt.Sprintf("N-%d", i), Kind: "receipt",
		Subject: "110105199003071239", IssuedAt: time.Unix(1772000000+int64(i), 0).UTC(), Status: model.DocValid,
		IdempotencyKey: idem}
}

// TestGroupCommitSharesOneTransaction: writes queued while a transaction
// runs are committed together in the next one, and each caller gets its
// own outcome: a taken idempotency key fails only its own document.
func TestGroupCommitSharesOneTransaction(t *testing.T) {
	s := openInternal(t)
	ctx := t.Context()
	b0, j0 := s.GroupCommitStats()
	release, leaderDone := holdLeader(t, s)

	const n = 10
	errs := make([]error, n)
	var nums [n]int64
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch {
			case i == 9: // the same idempotency key as document 8
				errs[i] = s.PutDocument(ctx, groupDoc(i, "same-key"), []byte("pdf 9"))
			case i == 8:
				errs[i] = s.PutDocument(ctx, groupDoc(i, "same-key"), []byte("pdf 8"))
			case i%2 == 0:
				errs[i] = s.PutDocument(ctx, groupDoc(i, ""), []byte(fmt.Sprint("pdf ", i)))
			case i == 7:
				errs[i] = s.AppendAudit(ctx, model.AuditEntry{Time: time.Unix(1772000000, 0), Action: "test", Object: "7"})
			default: // a series each: one series' callers take turns (counters.go)
				nums[i], errs[i] = s.AllocateNumber(ctx, fmt.Sprint("gc", i))
			}
		}()
	}
	waitQueued(s, n)
	release()
	wg.Wait()
	if err := <-leaderDone; err != nil {
		t.Fatalf("leader: %v", err)
	}

	b1, j1 := s.GroupCommitStats()
	if b1-b0 != 2 || j1-j0 != n+1 {
		t.Errorf("ran %d transactions for %d writes, want 2 for %d", b1-b0, j1-j0, n+1)
	}
	conflicts := 0
	for i, err := range errs {
		if i == 8 || i == 9 {
			if errors.Is(err, model.ErrConflict) {
				conflicts++
				if _, err := s.DocumentPDF(ctx, groupDoc(i, "").Code); !errors.Is(err, model.ErrNotFound) {
					t.Errorf("document %d lost its key but its PDF lookup says %v", i, err)
				}
				continue
			}
		}
		if err != nil {
			t.Errorf("write %d: %v", i, err)
		}
	}
	if conflicts != 1 {
		t.Errorf("%d of the two documents with one idempotency key failed, want exactly 1", conflicts)
	}
	for i := 0; i < 8; i += 2 {
		pdf, err := s.DocumentPDF(ctx, groupDoc(i, "").Code)
		if err != nil || string(pdf) != fmt.Sprint("pdf ", i) {
			t.Errorf("document %d: %q, %v", i, pdf, err)
		}
	}
	for _, i := range []int{1, 3, 5} {
		if nums[i] != 1 {
			t.Errorf("numbers %v, want 1 in each series", nums)
		}
	}
	if es, err := s.AuditEntries(ctx, time.Time{}, "test", "7", 0); err != nil || len(es) != 1 {
		t.Errorf("audit entry: %d, %v", len(es), err)
	}
}

// TestGroupCommitRollsBackOnlyTheFailedWrite: a write that fails after
// some of its statements ran leaves nothing behind, while the writes
// beside it in the transaction are committed.
func TestGroupCommitRollsBackOnlyTheFailedWrite(t *testing.T) {
	s := openInternal(t)
	ctx := t.Context()
	release, leaderDone := holdLeader(t, s)
	boom := errors.New("boom")
	var wg sync.WaitGroup
	var failed, ok error
	wg.Add(2)
	go func() {
		defer wg.Done()
		failed = s.gc.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit (id, time, action, object, data) VALUES ('half', 0, 'test', 'x', '{}')`); err != nil {
				return err
			}
			return boom
		})
	}()
	go func() {
		defer wg.Done()
		ok = s.AppendAudit(ctx, model.AuditEntry{ID: "whole", Time: time.Unix(1, 0), Action: "test", Object: "y"})
	}()
	waitQueued(s, 2)
	release()
	wg.Wait()
	if err := <-leaderDone; err != nil {
		t.Fatal(err)
	}
	if !errors.Is(failed, boom) || ok != nil {
		t.Fatalf("failed write: %v; other write: %v", failed, ok)
	}
	es, err := s.AuditEntries(ctx, time.Time{}, "test", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].ID != "whole" {
		t.Errorf("audit trail %+v, want only the entry \"whole\"", es)
	}
}

// TestGroupCommitCancelledBeforeStart: a caller whose context ends while
// it waits gets the context's error and writes nothing.
func TestGroupCommitCancelledBeforeStart(t *testing.T) {
	s := openInternal(t)
	release, leaderDone := holdLeader(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- s.PutDocument(ctx, groupDoc(1, ""), []byte("pdf")) }()
	waitQueued(s, 1)
	cancel()
	release()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled write: %v, want context.Canceled", err)
	}
	if err := <-leaderDone; err != nil {
		t.Fatal(err)
	}
	if _, err := s.DocumentByCode(t.Context(), groupDoc(1, "").Code); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("cancelled document: %v, want not found", err)
	}
}

// TestRunFirstJumpsTheQueue: work queued with runFirst is in the next
// batch, ahead of every write queued before it, even when a full batch
// of them waits.
func TestRunFirstJumpsTheQueue(t *testing.T) {
	s := openInternal(t)
	ctx := t.Context()
	release, leaderDone := holdLeader(t, s)
	var mu sync.Mutex
	var order []int // -1: the runFirst work
	note := func(i int) func(context.Context, *sql.Tx) error {
		return func(context.Context, *sql.Tx) error {
			mu.Lock()
			defer mu.Unlock()
			order = append(order, i)
			return nil
		}
	}
	var wg sync.WaitGroup
	for i := range maxBatch {
		wg.Go(func() { s.gc.run(ctx, note(i)) })
	}
	waitQueued(s, maxBatch)
	b0, _ := s.GroupCommitStats()
	wg.Go(func() { s.gc.runFirst(ctx, note(-1)) })
	waitQueued(s, maxBatch+1)
	release()
	wg.Wait()
	if err := <-leaderDone; err != nil {
		t.Fatal(err)
	}
	if len(order) != maxBatch+1 || order[0] != -1 {
		t.Fatalf("%d writes ran, the first %v; want %d, the runFirst work first", len(order), order[:min(3, len(order))], maxBatch+1)
	}
	if b1, _ := s.GroupCommitStats(); b1-b0 != 2 { // after the held one: a full batch led by runFirst's, then the last write
		t.Errorf("%d batches after the held one, want 2", b1-b0)
	}
}

// TestRunFirstStaysBehindAWokenLeader: a caller already woken to lead the
// next batch keeps the head of the queue, so that its batch holds its own
// work.
func TestRunFirstStaysBehindAWokenLeader(t *testing.T) {
	s := openInternal(t)
	nop := func(context.Context, *sql.Tx) error { return nil }
	woken := &writeJob{ctx: t.Context(), fn: nop, lead: true, wake: make(chan struct{})}
	s.gc.mu.Lock()
	s.gc.busy = true
	s.gc.queue = []*writeJob{woken}
	s.gc.mu.Unlock()
	done := make(chan error, 1)
	go func() { done <- s.gc.runFirst(t.Context(), nop) }()
	waitQueued(s, 2)
	s.gc.mu.Lock()
	head := s.gc.queue[0]
	s.gc.mu.Unlock()
	if head != woken {
		t.Fatal("runFirst work queued ahead of the caller woken to lead")
	}
	// Let the woken caller's turn pass as its run would: take its batch
	// and hand the lead on.
	s.gc.mu.Lock()
	batch := s.gc.queue[:1]
	s.gc.queue = s.gc.queue[1:]
	s.gc.mu.Unlock()
	s.gc.commit(batch)
	s.gc.mu.Lock()
	next := s.gc.queue[0]
	next.lead = true
	close(next.wake)
	s.gc.mu.Unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
