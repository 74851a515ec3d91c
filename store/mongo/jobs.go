package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sihub/model"
)

// Batch jobs and their work items. Every change of a job's status or of an
// item's claim is a compare-and-set on a revision token, claimed like a
// seal's (see UpdateSeal): insert "<record>@<rev>" into job_claims (unique
// _id), then replace the record filtered on that revision. Of concurrent
// callers changing one revision exactly one wins, also on servers that lose
// concurrent updates (FerretDB v1.24). A claim document is written per
// item claim, renewal and completion: a few per hundred documents issued.
const (
	colBatchJobs = "batch_jobs"
	colWorkItems = "work_items"
	colJobClaims = "job_claims"
)

// claimScan is how many open items ClaimWorkItem tries per query before
// asking again: claimers racing for the first one move on to the next.
const claimScan = 16

// jobIndexes are the work items' indexes, created at Open with the others.
func (s *Store) jobIndexes() []index {
	return []index{
		{s.db.Collection(colWorkItems), "job_done_seq", bson.D{{Key: "job_id", Value: 1}, {Key: "done", Value: 1}, {Key: "seq", Value: 1}}, false},
	}
}

type jobRecord struct {
	model.BatchJob `bson:",inline"`
	Rev            string `bson:"rev"`
}

type workItemRecord struct {
	ID             string `bson:"_id"`
	model.WorkItem `bson:",inline"`
	Rev            string `bson:"rev"`
}

func workItemID(jobID string, seq int) string { return fmt.Sprintf("%s/%010d", jobID, seq) }

// CreateJob stores a new job; a taken ID is model.ErrConflict.
func (s *Store) CreateJob(ctx context.Context, j model.BatchJob) error {
	if j.ID == "" {
		return invalid("batch job without id")
	}
	_, err := s.db.Collection(colBatchJobs).InsertOne(ctx, jobRecord{BatchJob: j, Rev: newID()})
	return wrap(err, "create job %s", j.ID)
}

// Job returns a job by ID.
func (s *Store) Job(ctx context.Context, id string) (model.BatchJob, error) {
	r, err := findOne[jobRecord](ctx, s.db.Collection(colBatchJobs), byID(id), "job "+id)
	return r.BatchJob, err
}

// UpdateJob replaces the job only if its stored status is fromStatus.
func (s *Store) UpdateJob(ctx context.Context, j model.BatchJob, fromStatus string) error {
	if j.ID == "" {
		return invalid("batch job without id")
	}
	what := "update job " + j.ID
	col := s.db.Collection(colBatchJobs)
	cur, err := findOne[jobRecord](ctx, col, byID(j.ID), what)
	if err != nil {
		return err
	}
	if cur.Status != fromStatus {
		return fmt.Errorf("store/mongo: %s: status is %q, not %q: %w", what, cur.Status, fromStatus, model.ErrConflict)
	}
	return s.casReplace(ctx, col, j.ID, cur.Rev, jobRecord{BatchJob: j, Rev: newID()}, what)
}

// AddWorkItem stores a new item; a taken (JobID, Seq) is model.ErrConflict.
func (s *Store) AddWorkItem(ctx context.Context, it model.WorkItem) error {
	if it.JobID == "" {
		return invalid("work item without job id")
	}
	_, err := s.db.Collection(colWorkItems).InsertOne(ctx, workItemRecord{ID: workItemID(it.JobID, it.Seq), WorkItem: it, Rev: newID()})
	return wrap(err, "add work item %s/%d", it.JobID, it.Seq)
}

// LastWorkItem returns the job's item with the highest Seq.
func (s *Store) LastWorkItem(ctx context.Context, jobID string) (model.WorkItem, error) {
	var r workItemRecord
	err := s.db.Collection(colWorkItems).FindOne(ctx, bson.D{{Key: "job_id", Value: jobID}},
		options.FindOne().SetSort(bson.D{{Key: "seq", Value: -1}})).Decode(&r)
	return r.WorkItem, wrap(err, "last work item of %s", jobID)
}

// ClaimWorkItem takes the lowest-Seq open item whose lease is free or
// ended: it reads a few candidates and claims the first whose revision it
// wins.
func (s *Store) ClaimWorkItem(ctx context.Context, jobID, owner string, now, until time.Time) (model.WorkItem, error) {
	what := "claim work item of " + jobID
	if owner == "" {
		return model.WorkItem{}, invalid("claim without owner")
	}
	col := s.db.Collection(colWorkItems)
	filter := bson.D{{Key: "job_id", Value: jobID}, {Key: "done", Value: false},
		{Key: "$or", Value: bson.A{bson.D{{Key: "owner", Value: ""}}, bson.D{{Key: "lease_until", Value: bson.D{{Key: "$lte", Value: now}}}}}}}
	for {
		cands, err := findAll[workItemRecord](ctx, col, filter,
			options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}).SetLimit(claimScan), what)
		if err != nil {
			return model.WorkItem{}, err
		}
		if len(cands) == 0 {
			return model.WorkItem{}, wrapNotFound("%s", what)
		}
		for _, c := range cands {
			next := c
			next.Owner, next.LeaseUntil, next.Attempts, next.Rev = owner, until, c.Attempts+1, newID()
			err := s.casReplace(ctx, col, c.ID, c.Rev, next, what)
			if err == nil {
				return next.WorkItem, nil
			}
			if !errors.Is(err, model.ErrConflict) {
				return model.WorkItem{}, err
			}
		}
		if err := ctx.Err(); err != nil {
			return model.WorkItem{}, fmt.Errorf("store/mongo: %s: %w", what, err)
		}
	}
}

// RenewWorkItem moves the lease of an item the claim (owner, attempts)
// still holds.
func (s *Store) RenewWorkItem(ctx context.Context, jobID string, seq int, owner string, attempts int, until time.Time) error {
	return s.changeHeld(ctx, jobID, seq, owner, attempts, fmt.Sprintf("renew work item %s/%d", jobID, seq),
		func(it *model.WorkItem) { it.LeaseUntil = until })
}

// CompleteWorkItem marks an item done with its outcome if the claim
// (it.Owner, it.Attempts) still holds it.
func (s *Store) CompleteWorkItem(ctx context.Context, done model.WorkItem) error {
	return s.changeHeld(ctx, done.JobID, done.Seq, done.Owner, done.Attempts, fmt.Sprintf("complete work item %s/%d", done.JobID, done.Seq),
		func(it *model.WorkItem) { it.Complete(done) })
}

// WorkItems lists the job's items ordered by Seq.
func (s *Store) WorkItems(ctx context.Context, jobID string) ([]model.WorkItem, error) {
	return s.workItems(ctx, bson.D{{Key: "job_id", Value: jobID}}, "work items of "+jobID)
}

// OpenWorkItems lists the job's items not done, ordered by Seq.
func (s *Store) OpenWorkItems(ctx context.Context, jobID string) ([]model.WorkItem, error) {
	return s.workItems(ctx, bson.D{{Key: "job_id", Value: jobID}, {Key: "done", Value: false}}, "open work items of "+jobID)
}

func (s *Store) workItems(ctx context.Context, filter bson.D, what string) ([]model.WorkItem, error) {
	recs, err := findAll[workItemRecord](ctx, s.db.Collection(colWorkItems), filter,
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}), what)
	if err != nil {
		return nil, err
	}
	out := make([]model.WorkItem, len(recs))
	for i, r := range recs {
		out[i] = r.WorkItem
	}
	return out, nil
}

// changeHeld applies change to an open item held by (owner, attempts).
func (s *Store) changeHeld(ctx context.Context, jobID string, seq int, owner string, attempts int, what string, change func(*model.WorkItem)) error {
	col := s.db.Collection(colWorkItems)
	cur, err := findOne[workItemRecord](ctx, col, byID(workItemID(jobID, seq)), what)
	if err != nil {
		return err
	}
	if !cur.HeldBy(owner, attempts) {
		return fmt.Errorf("store/mongo: %s: held by %q (claim %d, done %v), not by %q (claim %d): %w",
			what, cur.Owner, cur.Attempts, cur.Done, owner, attempts, model.ErrConflict)
	}
	next := cur
	change(&next.WorkItem)
	next.Rev = newID()
	return s.casReplace(ctx, col, cur.ID, cur.Rev, next, what)
}

// casReplace replaces the job or work item id at revision rev with doc
// (replaceAtRev), claiming the revision in the jobs' claims.
func (s *Store) casReplace(ctx context.Context, col *mongodrv.Collection, id, rev string, doc any, what string) error {
	return replaceAtRev(ctx, col, s.db.Collection(colJobClaims), col.Name()+":"+id+"@"+rev, id, rev, doc, what)
}
