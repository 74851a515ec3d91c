package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"sihub/model"
	"sihub/signer"
)

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
		outcome := batchIssued
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, signer.ErrNothingToState):
			// Not insured in the year: no statement is due.
			out.Skipped++
			outcome = batchSkipped
		case err != nil:
			outcome = batchFailed
			fail = &model.BatchFailure{Subject: model.MaskID(pid), Reason: err.Error()}
			out.Failed++
			if len(out.Failures) < MaxJobFailures {
				out.Failures = append(out.Failures, *fail)
			}
		case res.Existing:
			out.Already++
			outcome = batchAlready
		default:
			out.Issued++
		}
		b.report(outcome, fail)
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
