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
	Skipped                 int // this run: nothing to state for the year
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
	Skipped                 int // the whole job: subjects with nothing to state
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
	// The first worker to fail stops the others (each releases its item).
	wctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var wg sync.WaitGroup
	for w := range opts.Workers {
		wg.Go(func() {
			if err := b.work(wctx, job.ID, fmt.Sprintf("%s/%d", opts.Owner, w)); err != nil {
				stop(err)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(wctx); err != nil {
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

// Outcomes of one subject, for report.
const (
	batchIssued = iota
	batchAlready
	batchSkipped
	batchFailed
)

// report counts one subject's outcome and calls Progress.
func (b *batchRun) report(outcome int, fail *model.BatchFailure) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.prog.Done++
	switch outcome {
	case batchAlready:
		b.prog.Already++
	case batchIssued:
		b.prog.Issued++
	case batchSkipped:
		b.prog.Skipped++
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
		res.Skipped += it.Skipped
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
		done.Skipped = res.Skipped
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
	return res, b.audit(ctx, "batch.finish", outcome, fmt.Sprintf("issued=%d already=%d failed=%d skipped=%d; this run %d documents in %s",
		res.Issued, res.Already, res.Failed, res.Skipped, res.Run.Done, res.Run.Elapsed.Round(time.Millisecond)))
}

// audit appends an entry for the job.
func (b *batchRun) audit(ctx context.Context, action, outcome, detail string) error {
	if err := b.st.AppendAudit(ctx, model.AuditEntry{Time: b.o.Now().UTC(), Actor: b.o.Actor, Action: action,
		Object: b.prog.JobID, Outcome: outcome, Detail: detail}); err != nil {
		return fmt.Errorf("app: batch: audit: %w", err)
	}
	return nil
}
