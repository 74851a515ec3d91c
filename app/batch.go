package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"sihub/model"
	"sihub/signer"
	"sihub/store"
)

// Batch issuance of the yearly statements (个人权益记录单).
//
// A job (model.BatchJob) is named by what it issues — kind, year, region
// and limit — so the same command run again, on this node or another,
// resumes the same job. Planning walks the persons in ID order and writes
// work items of BatchOptions.Chunk persons each; it resumes after the last
// item written, so a planner that died half-way is continued, and racing
// planners agree (an item's (job, seq) is unique). Workers claim items
// with a lease (owner and expiry, a compare-and-set in the store), renew it
// while they work and mark the item done with its outcome; an item whose
// holder died is taken over when its lease ends. Every statement is issued
// with the idempotency key "statement:<year>:<person>", so a taken-over
// item never duplicates a document: what its former holder issued comes
// back as already issued.
//
// Items of ~100 persons rather than one per person: a claim, a renewal
// and a completion are a few store writes per item, about 1% of the
// writes of issuing its 100 statements, and a province's 10 million
// persons are 100,000 items instead of 10 million; a worker that dies
// costs at most one item's work, which the idempotency keys make cheap
// to repeat.

// BatchKindStatements is the BatchJob.Kind of the yearly statements.
const BatchKindStatements = "statements"

// Batch errors.
var (
	// ErrBatchOptions: the options are invalid (year, algorithm, chunk).
	ErrBatchOptions = errors.New("app: batch: invalid options")
)

// Batch defaults.
const (
	DefaultBatchLease = 2 * time.Minute
	DefaultBatchChunk = 100
	// MaxJobFailures caps the failures a job record lists (the counts
	// stay exact).
	MaxJobFailures = 1000
	// batchPoll is how often a worker with nothing to claim looks whether
	// the items others hold are done.
	batchPoll = time.Second
	// batchRetries is how often a statement is tried again after an
	// error that is not the request's own.
	batchRetries = 2
)

// StatementIssuer issues one document; *signer.Service is one.
type StatementIssuer interface {
	Issue(ctx context.Context, req signer.IssueRequest) (*signer.Issued, error)
}

// BatchOptions describe a batch of yearly statements. The zero values of
// the tuning fields are documented defaults.
type BatchOptions struct {
	Year   int    // the statements' year (required)
	Region string // a prefix of Person.Region ("110105", or "11" for a province); "" for every person
	Alg    string // seal algorithm(s), "sm2" (default), "p256" or "sm2,p256"
	// Limit, if > 0, plans the job for the first Limit persons only (a
	// measurement run); it is part of the job's identity.
	Limit int
	// Workers issuing at once (0: GOMAXPROCS).
	Workers int
	// Rate caps the documents per second of this process (0: no cap).
	Rate float64
	// Lease is how long a claimed item stays ours without renewal (0:
	// DefaultBatchLease); it is renewed after a third of it.
	Lease time.Duration
	// Chunk is the persons per work item (0: DefaultBatchChunk).
	Chunk int
	// Owner names this process in leases ("" : host, pid and a random
	// suffix); each worker appends its number.
	Owner string
	Actor string // for the audit trail ("" : "cli")
	// Now is the clock (nil: time.Now); Sleep waits (nil: a timer that
	// ends early when ctx is done). Tests inject both.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Progress, if set, is called after every document (from the
	// workers, serialised) and once at the end.
	Progress func(BatchProgress)
}

// BatchProgress is the state of a run, for the progress display.
type BatchProgress struct {
	JobID string
	// Total persons in the job; DoneBefore of them were done before this
	// run started; Done is how many this run has handled since.
	Total, DoneBefore, Done int
	Issued, Already, Failed int // this run
	Elapsed                 time.Duration
	// Last is the failure just recorded, if the call is for one.
	Last *model.BatchFailure
}

// Rate is this run's documents per second.
func (p BatchProgress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Done) / p.Elapsed.Seconds()
}

// ETA is the time left at this run's rate (0 when unknown).
func (p BatchProgress) ETA() time.Duration {
	r := p.Rate()
	left := p.Total - p.DoneBefore - p.Done
	if r <= 0 || left <= 0 {
		return 0
	}
	return time.Duration(float64(left) / r * float64(time.Second))
}

// BatchResult is the outcome of a job: its record when finished, the
// counts over the whole job (every run of it), and this run's share.
type BatchResult struct {
	Job                     model.BatchJob
	Issued, Already, Failed int // the whole job
	Run                     BatchProgress
}

// BatchJobID names the job of opts: kind, year, region and limit.
func BatchJobID(o BatchOptions) string {
	region := o.Region
	if region == "" {
		region = "all"
	}
	id := fmt.Sprintf("%s-%d-%s", BatchKindStatements, o.Year, region)
	if o.Limit > 0 {
		id += fmt.Sprintf("-first%d", o.Limit)
	}
	return id
}

// StatementKey is the idempotency key of a person's yearly statement.
func StatementKey(year int, person string) string {
	return fmt.Sprintf("statement:%d:%s", year, person)
}

func (o *BatchOptions) defaults() error {
	if o.Year < 1990 || o.Year > 9999 {
		return fmt.Errorf("%w: year %d", ErrBatchOptions, o.Year)
	}
	if o.Alg == "" {
		o.Alg = "sm2"
	}
	for _, a := range strings.Split(o.Alg, ",") {
		if a != "sm2" && a != "p256" {
			return fmt.Errorf("%w: algorithm %q (sm2, p256 or sm2,p256)", ErrBatchOptions, a)
		}
	}
	if len(o.Region) > 6 || strings.Trim(o.Region, "0123456789") != "" {
		return fmt.Errorf("%w: region %q is not an area code", ErrBatchOptions, o.Region)
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Rate < 0 || o.Limit < 0 || o.Chunk < 0 || o.Lease < 0 {
		return fmt.Errorf("%w: negative rate, limit, chunk or lease", ErrBatchOptions)
	}
	if o.Lease == 0 {
		o.Lease = DefaultBatchLease
	}
	if o.Chunk == 0 {
		o.Chunk = DefaultBatchChunk
	}
	if o.Owner == "" {
		host, _ := os.Hostname()
		var r [4]byte
		rand.Read(r[:])
		o.Owner = fmt.Sprintf("%s:%d:%x", host, os.Getpid(), r)
	}
	if o.Actor == "" {
		o.Actor = "cli"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// RunStatementBatch plans (or resumes) the job of opts and works on it
// until every item is done — waiting for items other processes hold, and
// taking them over when their lease ends — then records and audits the
// outcome. A cancelled ctx stops it with ctx's error; the items it held
// are taken over after their lease.
func RunStatementBatch(ctx context.Context, st store.Store, iss StatementIssuer, opts BatchOptions) (BatchResult, error) {
	if err := opts.defaults(); err != nil {
		return BatchResult{}, err
	}
	b := &batchRun{st: st, iss: iss, o: opts, start: opts.Now()}
	b.prog.JobID = BatchJobID(opts)
	job, err := b.plan(ctx)
	if err != nil {
		return BatchResult{}, err
	}
	if err := b.audit(ctx, "batch.start", "ok", fmt.Sprintf("year %d region %q: %d persons in %d items, %d workers, owner %s",
		opts.Year, opts.Region, job.Subjects, job.Items, opts.Workers, opts.Owner)); err != nil {
		return BatchResult{}, err
	}
	items, err := st.WorkItems(ctx, job.ID)
	if err != nil {
		return BatchResult{}, err
	}
	b.prog.Total = job.Subjects
	for _, it := range items {
		if it.Done {
			b.prog.DoneBefore += len(it.Subjects)
		}
	}
	if opts.Rate > 0 {
		b.limit = &pacer{interval: time.Duration(float64(time.Second) / opts.Rate), now: opts.Now, sleep: opts.Sleep}
	}
	var wg sync.WaitGroup
	errs := make([]error, opts.Workers)
	for w := range opts.Workers {
		wg.Go(func() { errs[w] = b.work(ctx, job.ID, fmt.Sprintf("%s/%d", opts.Owner, w)) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		aerr := b.audit(context.WithoutCancel(ctx), "batch.finish", "failed", fmt.Sprintf("stopped after %d documents: %v", b.snapshot().Done, err))
		return BatchResult{Job: job, Run: b.snapshot()}, errors.Join(err, aerr)
	}
	return b.finish(ctx, job)
}

// batchRun is one process's run of a job.
type batchRun struct {
	st    store.Store
	iss   StatementIssuer
	o     BatchOptions
	start time.Time
	limit *pacer

	mu   sync.Mutex
	prog BatchProgress
}

// plan creates the job or finds it, and writes the work items it lacks,
// continuing after the last item written (by this process or another).
func (b *batchRun) plan(ctx context.Context) (model.BatchJob, error) {
	id := b.prog.JobID
	job := model.BatchJob{ID: id, Kind: BatchKindStatements, Year: b.o.Year, Region: b.o.Region, Alg: b.o.Alg,
		Status: model.JobPlanning, CreatedAt: b.o.Now().UTC()}
	if err := b.st.CreateJob(ctx, job); err != nil && !errors.Is(err, model.ErrConflict) {
		return job, fmt.Errorf("app: batch: %w", err)
	}
	stored, err := b.st.Job(ctx, id)
	if err != nil {
		return job, fmt.Errorf("app: batch: %w", err)
	}
	if stored.Status != model.JobPlanning {
		return stored, nil
	}
	// Where planning stands: the next item, after which person, and how
	// many persons are planned (for Limit).
	var next planCursor
	resync := func() error {
		items, err := b.st.WorkItems(ctx, id)
		if err != nil {
			return fmt.Errorf("app: batch: %w", err)
		}
		next = planCursor{}
		for _, it := range items {
			next.planned += len(it.Subjects)
			if it.Seq >= next.seq {
				next.seq, next.after = it.Seq+1, it.Subjects[len(it.Subjects)-1]
			}
		}
		return nil
	}
	if err := resync(); err != nil {
		return stored, err
	}
	for {
		subjects, err := b.nextSubjects(ctx, next)
		if err != nil {
			return stored, err
		}
		if len(subjects) == 0 {
			break
		}
		err = b.st.AddWorkItem(ctx, model.WorkItem{JobID: id, Seq: next.seq, Subjects: subjects})
		switch {
		case err == nil:
			next = planCursor{seq: next.seq + 1, after: subjects[len(subjects)-1], planned: next.planned + len(subjects)}
		case errors.Is(err, model.ErrConflict): // another planner wrote it: continue after theirs
			if err := resync(); err != nil {
				return stored, err
			}
		default:
			return stored, fmt.Errorf("app: batch: %w", err)
		}
	}
	if err := resync(); err != nil {
		return stored, err
	}
	done := stored
	now := b.o.Now().UTC()
	done.Status, done.Items, done.Subjects, done.PlannedAt = model.JobRunning, next.seq, next.planned, &now
	switch err := b.st.UpdateJob(ctx, done, model.JobPlanning); {
	case err == nil:
		return done, nil
	case errors.Is(err, model.ErrConflict): // another planner finished first
		j, err := b.st.Job(ctx, id)
		if err != nil {
			return j, fmt.Errorf("app: batch: %w", err)
		}
		return j, nil
	default:
		return stored, fmt.Errorf("app: batch: %w", err)
	}
}

// planCursor is where planning stands.
type planCursor struct {
	seq     int    // the next item's Seq
	after   string // the last person planned
	planned int    // persons planned
}

// nextSubjects returns the next Chunk persons after the cursor (in the
// region, within the limit); none when planning is complete.
func (b *batchRun) nextSubjects(ctx context.Context, c planCursor) ([]string, error) {
	want := b.o.Chunk
	if b.o.Limit > 0 {
		want = min(want, b.o.Limit-c.planned)
	}
	if want <= 0 {
		return nil, nil
	}
	var ids []string
	var err error
	if b.o.Region == "" {
		ids, err = b.st.PersonIDs(ctx, c.after, want)
	} else {
		ids, err = b.st.PersonIDsInRegion(ctx, b.o.Region, c.after, want)
	}
	if err != nil {
		return nil, fmt.Errorf("app: batch: %w", err)
	}
	return ids, nil
}

// work claims and works items until none is left, waiting while other
// workers hold the rest.
func (b *batchRun) work(ctx context.Context, jobID, owner string) error {
	for {
		now := b.o.Now()
		it, err := b.st.ClaimWorkItem(ctx, jobID, owner, now, now.Add(b.o.Lease))
		if errors.Is(err, model.ErrNotFound) {
			open, next, err := b.openItems(ctx, jobID)
			if err != nil || open == 0 {
				return err
			}
			// Others hold the rest: look again when the earliest
			// lease ends, or within batchPoll if they finish first.
			wait := min(max(next.Sub(b.o.Now()), 100*time.Millisecond), batchPoll, b.o.Lease)
			if err := b.o.Sleep(ctx, wait); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("app: batch: %w", err)
		}
		if err := b.workItem(ctx, it); err != nil {
			return err
		}
	}
}

// openItems counts the job's items not done and the earliest end of their
// leases.
func (b *batchRun) openItems(ctx context.Context, jobID string) (int, time.Time, error) {
	items, err := b.st.OpenWorkItems(ctx, jobID)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("app: batch: %w", err)
	}
	var next time.Time
	for _, it := range items {
		if next.IsZero() || it.LeaseUntil.Before(next) {
			next = it.LeaseUntil
		}
	}
	return len(items), next, nil
}

// workItem works one claimed item; an item it could not finish is
// released.
func (b *batchRun) workItem(ctx context.Context, it model.WorkItem) error {
	err := b.issueItem(ctx, it)
	if err == nil {
		return nil
	}
	// Stopped (interrupted, or the store failing): let the item go at
	// once rather than when its lease ends, so that a run started right
	// after takes it up.
	rerr := b.st.RenewWorkItem(context.WithoutCancel(ctx), it.JobID, it.Seq, it.Owner, it.Attempts, b.o.Now())
	if rerr != nil && !errors.Is(rerr, model.ErrConflict) {
		return errors.Join(err, fmt.Errorf("app: batch: releasing item %d: %w", it.Seq, rerr))
	}
	return err
}

// issueItem issues the item's statements, renewing the lease, and marks
// it done; losing the lease abandons the item without error.
func (b *batchRun) issueItem(ctx context.Context, it model.WorkItem) error {
	renewed := b.o.Now()
	out := it
	for _, pid := range it.Subjects {
		if b.limit != nil {
			if err := b.limit.wait(ctx); err != nil {
				return err
			}
		}
		if now := b.o.Now(); now.Sub(renewed) >= b.o.Lease/3 {
			err := b.st.RenewWorkItem(ctx, it.JobID, it.Seq, it.Owner, it.Attempts, now.Add(b.o.Lease))
			if errors.Is(err, model.ErrConflict) {
				return nil // taken over: the new holder finishes it
			}
			if err != nil {
				return fmt.Errorf("app: batch: %w", err)
			}
			renewed = now
		}
		res, err := b.issue(ctx, pid)
		var fail *model.BatchFailure
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			fail = &model.BatchFailure{Subject: model.MaskID(pid), Reason: err.Error()}
			out.Failed++
			if len(out.Failures) < MaxJobFailures {
				out.Failures = append(out.Failures, *fail)
			}
		case res.Existing:
			out.Already++
		default:
			out.Issued++
		}
		b.report(err == nil && res.Existing, err == nil && !res.Existing, fail)
	}
	out.Done, out.DoneAt = true, b.o.Now().UTC()
	err := b.st.CompleteWorkItem(ctx, out)
	if errors.Is(err, model.ErrConflict) {
		return nil // taken over meanwhile; the new holder completes it
	}
	if err != nil {
		return fmt.Errorf("app: batch: %w", err)
	}
	return nil
}

// issue issues one person's statement. An error that is not the
// request's own (a busy store, a slow HSM) is tried again, batchRetries
// times, a second more apart each time; then it is the person's failure.
func (b *batchRun) issue(ctx context.Context, pid string) (*signer.Issued, error) {
	req := signer.IssueRequest{Kind: signer.KindRightsRecord, Subject: pid, Algorithms: strings.Split(b.o.Alg, ","),
		Lang: "zh", IdempotencyKey: StatementKey(b.o.Year, pid), Actor: b.o.Actor, Year: b.o.Year}
	for attempt := 1; ; attempt++ {
		res, err := b.iss.Issue(ctx, req)
		if err == nil || ctx.Err() != nil || attempt > batchRetries || requestError(err) {
			return res, err
		}
		if err := b.o.Sleep(ctx, time.Duration(attempt)*time.Second); err != nil {
			return nil, err
		}
	}
}

// requestError tells the errors of the request itself (no such person,
// nothing to state), which repeating does not change.
func requestError(err error) bool {
	for _, kind := range []error{signer.ErrBadRequest, signer.ErrUnsupportedKind, model.ErrNotFound, model.ErrInvalid, ErrBatchOptions} {
		if errors.Is(err, kind) {
			return true
		}
	}
	return false
}

// report counts one document and calls Progress.
func (b *batchRun) report(already, issued bool, fail *model.BatchFailure) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.prog.Done++
	switch {
	case already:
		b.prog.Already++
	case issued:
		b.prog.Issued++
	default:
		b.prog.Failed++
	}
	b.prog.Elapsed = b.o.Now().Sub(b.start)
	b.prog.Last = fail
	if b.o.Progress != nil {
		b.o.Progress(b.prog)
	}
}

func (b *batchRun) snapshot() BatchProgress {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.prog
	p.Elapsed, p.Last = b.o.Now().Sub(b.start), nil
	return p
}

// finish adds up every item, records the job finished (once: of several
// processes finishing, one writes it) and audits the outcome.
func (b *batchRun) finish(ctx context.Context, job model.BatchJob) (BatchResult, error) {
	items, err := b.st.WorkItems(ctx, job.ID)
	if err != nil {
		return BatchResult{}, fmt.Errorf("app: batch: %w", err)
	}
	res := BatchResult{Run: b.snapshot()}
	var failures []model.BatchFailure
	for _, it := range items {
		res.Issued += it.Issued
		res.Already += it.Already
		res.Failed += it.Failed
		for _, f := range it.Failures {
			if len(failures) < MaxJobFailures {
				failures = append(failures, f)
			}
		}
	}
	if b.o.Progress != nil {
		b.o.Progress(res.Run)
	}
	if job.Status == model.JobRunning {
		done := job
		now := b.o.Now().UTC()
		done.Status, done.FinishedAt = model.JobFinished, &now
		done.Issued, done.Already, done.Failed, done.Failures = res.Issued, res.Already, res.Failed, failures
		switch err := b.st.UpdateJob(ctx, done, model.JobRunning); {
		case err == nil:
			job = done
		case !errors.Is(err, model.ErrConflict):
			return res, fmt.Errorf("app: batch: %w", err)
		}
	}
	if job.Status != model.JobFinished {
		if job, err = b.st.Job(ctx, job.ID); err != nil {
			return res, fmt.Errorf("app: batch: %w", err)
		}
	}
	res.Job = job
	outcome := "ok"
	if res.Failed > 0 {
		outcome = "failed"
	}
	return res, b.audit(ctx, "batch.finish", outcome, fmt.Sprintf("issued=%d already=%d failed=%d; this run %d documents in %s",
		res.Issued, res.Already, res.Failed, res.Run.Done, res.Run.Elapsed.Round(time.Millisecond)))
}

// audit appends an entry for the job.
func (b *batchRun) audit(ctx context.Context, action, outcome, detail string) error {
	if err := b.st.AppendAudit(ctx, model.AuditEntry{Time: b.o.Now().UTC(), Actor: b.o.Actor, Action: action,
		Object: b.prog.JobID, Outcome: outcome, Detail: detail}); err != nil {
		return fmt.Errorf("app: batch: audit: %w", err)
	}
	return nil
}

// pacer spaces the documents of all workers interval apart.
type pacer struct {
	interval time.Duration
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error

	mu   sync.Mutex
	next time.Time
}

func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := p.now()
	if p.next.Before(now) {
		p.next = now
	}
	at := p.next
	p.next = p.next.Add(p.interval)
	p.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return p.sleep(ctx, d)
	}
	return nil
}
