package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sihub/model"
	"sihub/signer"
	"sihub/store"
	"sihub/store/sqlite"
)

// storeIssuer stands in for the signer in the batch's unit tests: it
// stores a small document per request under the request's idempotency
// key, and answers a repeated key with the stored document — the contract
// of signer.Service.Issue, without rendering and sealing (the command's
// test runs the real signer). Subjects in fail are refused.
type storeIssuer struct {
	st   store.Store
	fail map[string]error
	n    atomic.Int64
	now  func() time.Time
	tag  string // prefix of codes and numbers, unique per issuer sharing a store
	// flaky subjects fail with a passing error (a busy store) this many
	// times before they succeed.
	mu    sync.Mutex
	flaky map[string]int
}

func (f *storeIssuer) Issue(ctx context.Context, req signer.IssueRequest) (*signer.Issued, error) {
	if err := f.fail[req.Subject]; err != nil {
		return nil, err
	}
	f.mu.Lock()
	flaky := f.flaky[req.Subject] > 0
	if flaky {
		f.flaky[req.Subject]--
	}
	f.mu.Unlock()
	if flaky {
		return nil, errors.New("store/sqlite: database is locked")
	}
	if req.Kind != signer.KindRightsRecord || req.IdempotencyKey != StatementKey(req.Year, req.Subject) {
		return nil, fmt.Errorf("unexpected request %+v", req)
	}
	if d, err := f.st.DocumentByIdempotencyKey(ctx, req.IdempotencyKey); err == nil {
		return &signer.Issued{Document: d, Existing: true}, nil
	}
	n := f.n.Add(1)
	d := model.Document{Code: fmt.Sprintf("%sC%06d", f.tag, n), Number: fmt.Sprintf("%sN%06d", f.tag, n), Kind: req.Kind,
		Subject: req.Subject, Status: model.DocValid, IssuedAt: f.now(), IdempotencyKey: req.IdempotencyKey,
		Params: map[string]string{"year": fmt.Sprint(req.Year)}}
	err := f.st.PutDocument(ctx, d, []byte("%PDF-1.7 "+d.Code))
	if errors.Is(err, model.ErrConflict) {
		if d, err := f.st.DocumentByIdempotencyKey(ctx, req.IdempotencyKey); err == nil {
			return &signer.Issued{Document: d, Existing: true}, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return &signer.Issued{Document: d}, nil
}

// fakeClock is a clock that moves only when Sleep is called.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 10, 2, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.slept += d
	return ctx.Err()
}

func batchStore(t *testing.T, dir string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// putPersons stores n persons, the first half in region 110105 and the
// rest in 310104, and returns their IDs in order.
func putPersons(t *testing.T, st store.Store, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		region := "110105"
		if i >= n/2 {
			region = "310104"
		}
		ids[i] = fmt.Sprintf("%s1990%08d", region, i)
		if err := st.PutPerson(t.Context(), model.Person{ID: ids[i], Name: "测试", Region: region}); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// statementsOf counts each person's stored statements for year.
func statementsOf(t *testing.T, st store.Store, ids []string, year int) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, id := range ids {
		docs, err := st.DocumentsBySubject(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.Kind == signer.KindRightsRecord && d.Params["year"] == fmt.Sprint(year) {
				got[id]++
			}
		}
	}
	return got
}

func TestBatchIssuesEveryPersonOnce(t *testing.T) {
	st := batchStore(t, t.TempDir())
	ids := putPersons(t, st, 23)
	clk := newFakeClock()
	iss := &storeIssuer{st: st, now: clk.Now}
	var calls int
	// Workers share the fake clock, and one that waits for the others
	// moves it a second per look: with the default lease of two minutes, a
	// holder the scheduler left behind on a loaded machine could lose its
	// item to a takeover, which TestBatchTakesOverAnEndedLease tests. A
	// day's lease keeps this test to every person issued once.
	const lease = 24 * time.Hour
	res, err := RunStatementBatch(t.Context(), st, iss, BatchOptions{Year: 2025, Workers: 3, Chunk: 5, Lease: lease,
		Now: clk.Now, Sleep: clk.Sleep, Progress: func(BatchProgress) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Issued != 23 || res.Already != 0 || res.Failed != 0 {
		t.Errorf("issued=%d already=%d failed=%d, want 23 0 0", res.Issued, res.Already, res.Failed)
	}
	if res.Job.ID != "statements-2025-all" || res.Job.Status != model.JobFinished || res.Job.Items != 5 || res.Job.Subjects != 23 {
		t.Errorf("job %+v, want statements-2025-all finished with 5 items of 23 persons", res.Job)
	}
	if res.Run.Done != 23 || calls != 24 { // one per document and one at the end
		t.Errorf("run handled %d documents with %d progress calls, want 23 and 24", res.Run.Done, calls)
	}
	for _, id := range ids {
		if n := statementsOf(t, st, []string{id}, 2025)[id]; n != 1 {
			t.Errorf("%s has %d statements, want 1", id, n)
		}
	}
	items, err := st.WorkItems(t.Context(), res.Job.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if !it.Done || it.Attempts != 1 || it.Issued != len(it.Subjects) {
			t.Errorf("item %d: %+v, want done on the first claim with all issued", it.Seq, it)
		}
	}
	for _, action := range []string{"batch.start", "batch.finish"} {
		es, err := st.AuditEntries(t.Context(), time.Time{}, action, res.Job.ID, 0)
		if err != nil || len(es) != 1 {
			t.Fatalf("%s audit entries: %v %v, want one", action, es, err)
		}
		if action == "batch.finish" && !strings.Contains(es[0].Detail, "issued=23 already=0 failed=0") {
			t.Errorf("batch.finish detail %q", es[0].Detail)
		}
	}

	// The same command again resumes the finished job: nothing new.
	again, err := RunStatementBatch(t.Context(), st, iss, BatchOptions{Year: 2025, Workers: 2, Chunk: 5, Lease: lease, Now: clk.Now, Sleep: clk.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	if again.Issued != 23 || again.Run.Done != 0 || iss.n.Load() != 23 {
		t.Errorf("second run: issued=%d, handled %d, %d documents made; want the job's 23, 0, 23", again.Issued, again.Run.Done, iss.n.Load())
	}
}

func TestBatchRegionLimitAndFailures(t *testing.T) {
	st := batchStore(t, t.TempDir())
	ids := putPersons(t, st, 20) // 10 in 110105, 10 in 310104
	clk := newFakeClock()
	iss := &storeIssuer{st: st, now: clk.Now,
		fail: map[string]error{ids[2]: fmt.Errorf("%w: no paid pension contribution", signer.ErrBadRequest),
			ids[0]: fmt.Errorf("%w: %w: not insured in 2024", signer.ErrBadRequest, signer.ErrNothingToState)},
		flaky: map[string]int{ids[4]: 2, ids[6]: 3}}
	res, err := RunStatementBatch(t.Context(), st, iss, BatchOptions{Year: 2024, Region: "1101", Limit: 8, Chunk: 3, Workers: 1,
		Now: clk.Now, Sleep: clk.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	if res.Job.ID != "statements-2024-1101-first8" || res.Job.Subjects != 8 || res.Job.Items != 3 {
		t.Errorf("job %+v, want statements-2024-1101-first8 with 8 persons in 3 items", res.Job)
	}
	// ids[4] succeeds on its third try; ids[6] fails three times and
	// is a failure; ids[2]'s own error is not tried again.
	// ids[0] has nothing to state for the year: skipped, not a failure.
	if res.Issued != 5 || res.Failed != 2 || res.Skipped != 1 || res.Job.Skipped != 1 {
		t.Errorf("issued=%d failed=%d skipped=%d (job %d), want 5, 2 and 1", res.Issued, res.Failed, res.Skipped, res.Job.Skipped)
	}
	if clk.slept != 3*time.Second+3*time.Second {
		t.Errorf("slept %v between tries, want 1 s + 2 s for each flaky person", clk.slept)
	}
	want := []model.BatchFailure{{Subject: model.MaskID(ids[2]), Reason: "signer: bad request: no paid pension contribution"},
		{Subject: model.MaskID(ids[6]), Reason: "store/sqlite: database is locked"}}
	if fmt.Sprint(res.Job.Failures) != fmt.Sprint(want) || strings.Contains(fmt.Sprint(res.Job.Failures), ids[2]) {
		t.Errorf("job failures %+v, want %+v (masked)", res.Job.Failures, want)
	}
	got := statementsOf(t, st, ids, 2024)
	for i, id := range ids {
		want := 0
		if i < 8 && i != 0 && i != 2 && i != 6 {
			want = 1
		}
		if got[id] != want {
			t.Errorf("person %d (%s): %d statements, want %d", i, id, got[id], want)
		}
	}
	if _, err := RunStatementBatch(t.Context(), st, iss, BatchOptions{Year: 2025, Region: "11x"}); !errors.Is(err, ErrBatchOptions) {
		t.Errorf("region 11x: %v, want ErrBatchOptions", err)
	}
	if _, err := RunStatementBatch(t.Context(), st, iss, BatchOptions{Year: 2025, Alg: "rsa"}); !errors.Is(err, ErrBatchOptions) {
		t.Errorf("alg rsa: %v, want ErrBatchOptions", err)
	}
	// The job keeps the algorithm it was started with.
	_, err = RunStatementBatch(t.Context(), st, iss, BatchOptions{Year: 2024, Region: "1101", Limit: 8, Alg: "p256", Now: clk.Now, Sleep: clk.Sleep})
	if !errors.Is(err, ErrBatchOptions) || !strings.Contains(err.Error(), "seals with sm2, not p256") {
		t.Errorf("resuming an sm2 job with p256: %v, want ErrBatchOptions", err)
	}
}

// TestBatchTakesOverAnEndedLease leaves one item held by a worker that
// died after issuing one of its statements: the run does the rest, waits
// (on the injected clock) for that lease to end, takes the item over and
// finds the statement already issued.
func TestBatchTakesOverAnEndedLease(t *testing.T) {
	st := batchStore(t, t.TempDir())
	ids := putPersons(t, st, 9)
	clk := newFakeClock()
	iss := &storeIssuer{st: st, now: clk.Now}
	o := BatchOptions{Year: 2025, Chunk: 3, Workers: 1, Lease: time.Minute, Now: clk.Now, Sleep: clk.Sleep}

	// Plan the job without working on it.
	b := &batchRun{st: st, iss: iss, o: o}
	if err := b.o.defaults(); err != nil {
		t.Fatal(err)
	}
	b.prog.JobID = BatchJobID(b.o)
	if _, err := b.plan(t.Context()); err != nil {
		t.Fatal(err)
	}
	dead, err := st.ClaimWorkItem(t.Context(), b.prog.JobID, "dead/0", clk.Now(), clk.Now().Add(10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iss.Issue(t.Context(), signer.IssueRequest{Kind: signer.KindRightsRecord, Subject: dead.Subjects[0],
		Year: 2025, IdempotencyKey: StatementKey(2025, dead.Subjects[0])}); err != nil {
		t.Fatal(err)
	}

	start := clk.Now()
	res, err := RunStatementBatch(t.Context(), st, iss, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Issued != 8 || res.Already != 1 || res.Failed != 0 {
		t.Errorf("issued=%d already=%d failed=%d, want 8 1 0", res.Issued, res.Already, res.Failed)
	}
	// The clock moves only while the worker waits: it waited exactly
	// until the lease ended, polling.
	if waited := clk.Now().Sub(start); waited != 10*time.Minute {
		t.Errorf("the run waited %v for the dead worker's lease (10 min)", waited)
	}
	for id, n := range statementsOf(t, st, ids, 2025) {
		if n != 1 {
			t.Errorf("%s has %d statements", id, n)
		}
	}
	items, err := st.WorkItems(t.Context(), res.Job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if it := items[dead.Seq]; !it.Done || it.Attempts != 2 || it.Already != 1 || it.Issued != 2 || strings.HasPrefix(it.Owner, "dead") {
		t.Errorf("taken-over item %+v, want done on claim 2 by the run, 1 already and 2 issued", it)
	}
}

// TestBatchTwoRunsShareAJob runs the same job from two stores opened on
// one file — two processes, as far as SQLite's locking goes — at once:
// no item is held by two claims at once, and every person has one
// statement.
func TestBatchTwoRunsShareAJob(t *testing.T) {
	dir := t.TempDir()
	stores := []*sqlite.Store{batchStore(t, dir), batchStore(t, dir)}
	ids := putPersons(t, stores[0], 40)
	var mu sync.Mutex
	claims := map[int][]string{}
	results := make([]BatchResult, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, st := range stores {
		wg.Go(func() {
			iss := &storeIssuer{st: st, now: time.Now, tag: fmt.Sprint(i)}
			results[i], errs[i] = RunStatementBatch(t.Context(), claimLog{st, &mu, claims}, iss, BatchOptions{Year: 2025, Chunk: 2, Workers: 3,
				Owner: fmt.Sprintf("node%d", i), Lease: time.Hour})
		})
	}
	wg.Wait()
	for i := range stores {
		if errs[i] != nil {
			t.Fatalf("run %d: %v", i, errs[i])
		}
		if r := results[i]; r.Issued+r.Already != 40 || r.Failed != 0 {
			t.Errorf("run %d: issued=%d already=%d failed=%d, want a sum of 40", i, r.Issued, r.Already, r.Failed)
		}
	}
	if len(claims) != 20 {
		t.Errorf("%d items claimed, want 20", len(claims))
	}
	for seq, owners := range claims {
		if len(owners) != 1 {
			t.Errorf("item %d claimed by %v (leases of an hour never ended)", seq, owners)
		}
	}
	if done := results[0].Run.Done + results[1].Run.Done; done != 40 {
		t.Errorf("the two runs handled %d documents together, want 40", done)
	}
	for id, n := range statementsOf(t, stores[1], ids, 2025) {
		if n != 1 {
			t.Errorf("%s has %d statements", id, n)
		}
	}
}

// claimLog records every successful claim.
type claimLog struct {
	store.Store
	mu     *sync.Mutex
	claims map[int][]string
}

func (c claimLog) ClaimWorkItem(ctx context.Context, jobID, owner string, now, until time.Time) (model.WorkItem, error) {
	it, err := c.Store.ClaimWorkItem(ctx, jobID, owner, now, until)
	if err == nil {
		c.mu.Lock()
		c.claims[it.Seq] = append(c.claims[it.Seq], owner)
		c.mu.Unlock()
	}
	return it, err
}

func TestBatchPacer(t *testing.T) {
	clk := newFakeClock()
	p := &pacer{interval: 100 * time.Millisecond, now: clk.Now, sleep: clk.Sleep}
	for range 5 {
		if err := p.wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	// The first goes at once; the clock only moves while waiting, so
	// each further one waits one interval.
	if clk.slept != 400*time.Millisecond {
		t.Errorf("5 documents at 10/s slept %v, want 400ms", clk.slept)
	}
}

func TestBatchProgressRateAndETA(t *testing.T) {
	p := BatchProgress{Total: 1000, DoneBefore: 200, Done: 300, Elapsed: 10 * time.Second}
	if p.Rate() != 30 {
		t.Errorf("rate %v, want 30/s", p.Rate())
	}
	if p.ETA() != 500*time.Second/30 {
		t.Errorf("ETA %v, want %v", p.ETA(), 500*time.Second/30)
	}
	if (BatchProgress{}).ETA() != 0 || (BatchProgress{}).Rate() != 0 {
		t.Error("an empty progress has a rate or an ETA")
	}
}

// slowIssuer moves the fake clock by step per statement, as slow sealing
// would.
type slowIssuer struct {
	*storeIssuer
	clk  *fakeClock
	step time.Duration
}

func (s slowIssuer) Issue(ctx context.Context, req signer.IssueRequest) (*signer.Issued, error) {
	s.clk.Sleep(ctx, s.step)
	return s.storeIssuer.Issue(ctx, req)
}

// renewLog counts lease renewals.
type renewLog struct {
	store.Store
	n *atomic.Int64
}

func (r renewLog) RenewWorkItem(ctx context.Context, jobID string, seq int, owner string, attempts int, until time.Time) error {
	err := r.Store.RenewWorkItem(ctx, jobID, seq, owner, attempts, until)
	if err == nil {
		r.n.Add(1)
	}
	return err
}

// TestBatchRenewsItsLease has each statement take 25 s (on the clock)
// against a lease of one minute: an item of four takes longer than its
// lease, so it stays its worker's only by renewal — and no item is
// claimed twice. One worker: with two, both advance the one fake clock,
// and a worker the scheduler leaves waiting could see its lease end by the
// other's time, which is a takeover, not what this test is about (that is
// TestBatchTakesOverAnEndedLease's).
func TestBatchRenewsItsLease(t *testing.T) {
	st := batchStore(t, t.TempDir())
	putPersons(t, st, 8)
	clk := newFakeClock()
	var renewals atomic.Int64
	iss := slowIssuer{&storeIssuer{st: st, now: clk.Now}, clk, 25 * time.Second}
	res, err := RunStatementBatch(t.Context(), renewLog{st, &renewals}, iss, BatchOptions{Year: 2025, Chunk: 4, Workers: 1,
		Lease: time.Minute, Now: clk.Now, Sleep: clk.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	if res.Issued != 8 || res.Already != 0 {
		t.Errorf("issued=%d already=%d, want 8 and 0", res.Issued, res.Already)
	}
	if renewals.Load() == 0 {
		t.Error("no lease was renewed")
	}
	items, err := st.WorkItems(t.Context(), res.Job.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Attempts != 1 || !it.Done {
			t.Errorf("item %d: %+v, want done on its only claim", it.Seq, it)
		}
	}
}

// TestBatchInterruptedReleasesItsItem cancels a run in the middle of an
// item: the run stops with the context's error, the item is released (its
// lease ends at once), and the next run takes it up without waiting.
func TestBatchInterruptedReleasesItsItem(t *testing.T) {
	st := batchStore(t, t.TempDir())
	ids := putPersons(t, st, 6)
	clk := newFakeClock()
	iss := &storeIssuer{st: st, now: clk.Now}
	ctx, cancel := context.WithCancel(t.Context())
	o := BatchOptions{Year: 2025, Chunk: 3, Workers: 1, Now: clk.Now, Sleep: clk.Sleep}
	o.Progress = func(p BatchProgress) {
		if p.Done == 2 {
			cancel()
		}
	}
	res, err := RunStatementBatch(ctx, st, iss, o)
	if !errors.Is(err, context.Canceled) || res.Run.Done != 2 {
		t.Fatalf("interrupted run: %v after %d documents, want context.Canceled after 2", err, res.Run.Done)
	}
	items, err := st.WorkItems(t.Context(), BatchJobID(o))
	if err != nil {
		t.Fatal(err)
	}
	if it := items[0]; it.Done || it.Attempts != 1 || it.LeaseUntil.After(clk.Now()) {
		t.Errorf("interrupted item %+v, want open with its lease ended (now %v)", it, clk.Now())
	}
	es, err := st.AuditEntries(t.Context(), time.Time{}, "batch.finish", BatchJobID(o), 0)
	if err != nil || len(es) != 1 || es[0].Outcome != "failed" {
		t.Errorf("batch.finish audit of the interrupted run: %+v %v", es, err)
	}

	o.Progress = nil
	start := clk.Now()
	res, err = RunStatementBatch(t.Context(), st, iss, o)
	if err != nil {
		t.Fatal(err)
	}
	if clk.Now() != start {
		t.Errorf("the next run waited %v", clk.Now().Sub(start))
	}
	// The 2 statements of the interrupted item are found again.
	if res.Issued != 4 || res.Already != 2 || res.Run.Done != 6 {
		t.Errorf("issued=%d already=%d this run %d; want 4, 2 and 6", res.Issued, res.Already, res.Run.Done)
	}
	for id, n := range statementsOf(t, st, ids, 2025) {
		if n != 1 {
			t.Errorf("%s has %d statements", id, n)
		}
	}
}

// failingClaims fails ClaimWorkItem after the first n claims.
type failingClaims struct {
	store.Store
	n *atomic.Int64
}

var errStoreDown = errors.New("store down")

func (f failingClaims) ClaimWorkItem(ctx context.Context, jobID, owner string, now, until time.Time) (model.WorkItem, error) {
	if f.n.Add(-1) < 0 {
		return model.WorkItem{}, errStoreDown
	}
	return f.Store.ClaimWorkItem(ctx, jobID, owner, now, until)
}

// TestBatchStopsOnAStoreError: a worker that cannot reach the store stops
// the run with that error; the others stop too and release their items.
func TestBatchStopsOnAStoreError(t *testing.T) {
	st := batchStore(t, t.TempDir())
	putPersons(t, st, 12)
	clk := newFakeClock()
	var left atomic.Int64
	left.Store(1)
	o := BatchOptions{Year: 2025, Chunk: 3, Workers: 2, Now: clk.Now, Sleep: clk.Sleep}
	res, err := RunStatementBatch(t.Context(), failingClaims{st, &left}, &storeIssuer{st: st, now: clk.Now}, o)
	if !errors.Is(err, errStoreDown) {
		t.Fatalf("run: %v, want the store's error", err)
	}
	if res.Run.Done > 3 {
		t.Errorf("%d documents after the store failed, want at most the one item's 3", res.Run.Done)
	}
	items, err := st.WorkItems(t.Context(), BatchJobID(o))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if !it.Done && it.LeaseUntil.After(clk.Now()) {
			t.Errorf("item %d is still held: %+v", it.Seq, it)
		}
	}
}
