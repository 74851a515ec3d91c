package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"sihub/model"
)

// Batch jobs and their work items. A work item's row mirrors the claim
// fields the claim query filters on (done, owner, lease_until) beside the
// whole item as JSON. Every change of a claim is one IMMEDIATE transaction
// on the writer connection: read, check, write — the file lock makes it a
// compare-and-set against every other writer, in this process and others.
// They run once per item, not per document, so their statements are not
// prepared at Open.

// CreateJob stores a new job; a taken ID is model.ErrConflict.
func (s *Store) CreateJob(ctx context.Context, j model.BatchJob) error {
	if j.ID == "" {
		return invalid("batch job without id")
	}
	data, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("store/sqlite: create job %s: encode: %w", j.ID, err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO batch_jobs (id, data) VALUES (?, ?)`, j.ID, string(data))
	return wrap(err, "create job %s", j.ID)
}

// Job returns a job by ID.
func (s *Store) Job(ctx context.Context, id string) (model.BatchJob, error) {
	var j model.BatchJob
	var data []byte
	if err := s.r.QueryRowContext(ctx, `SELECT data FROM batch_jobs WHERE id = ?`, id).Scan(&data); err != nil {
		return j, wrap(err, "job %s", id)
	}
	if err := json.Unmarshal(data, &j); err != nil {
		return j, fmt.Errorf("store/sqlite: job %s: decode: %w", id, err)
	}
	return j, nil
}

// UpdateJob replaces the job only if its stored status is fromStatus.
func (s *Store) UpdateJob(ctx context.Context, j model.BatchJob, fromStatus string) error {
	if j.ID == "" {
		return invalid("batch job without id")
	}
	data, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("store/sqlite: update job %s: encode: %w", j.ID, err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrap(err, "update job %s", j.ID)
	}
	defer tx.Rollback()
	var status string
	if err := tx.QueryRowContext(ctx, `SELECT json_extract(data, '$.status') FROM batch_jobs WHERE id = ?`, j.ID).Scan(&status); err != nil {
		return wrap(err, "update job %s", j.ID)
	}
	if status != fromStatus {
		return fmt.Errorf("store/sqlite: update job %s: status is %q, not %q: %w", j.ID, status, fromStatus, model.ErrConflict)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE batch_jobs SET data = ? WHERE id = ?`, string(data), j.ID); err != nil {
		return wrap(err, "update job %s", j.ID)
	}
	return wrap(tx.Commit(), "update job %s", j.ID)
}

// AddWorkItem stores a new item; a taken (JobID, Seq) is model.ErrConflict.
func (s *Store) AddWorkItem(ctx context.Context, it model.WorkItem) error {
	if it.JobID == "" {
		return invalid("work item without job id")
	}
	_, err := s.writeItem(ctx, s.w, `INSERT INTO work_items (job_id, seq, done, owner, lease_until, data)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6)`, it)
	return wrap(err, "add work item %s/%d", it.JobID, it.Seq)
}

// LastWorkItem returns the job's item with the highest Seq.
func (s *Store) LastWorkItem(ctx context.Context, jobID string) (model.WorkItem, error) {
	return scanItem(s.r.QueryRowContext(ctx, `SELECT data FROM work_items WHERE job_id = ?
		ORDER BY seq DESC LIMIT 1`, jobID), "last work item of "+jobID)
}

// ClaimWorkItem takes the lowest-Seq open item whose lease is free or
// ended, in one transaction.
func (s *Store) ClaimWorkItem(ctx context.Context, jobID, owner string, now, until time.Time) (model.WorkItem, error) {
	what := "claim work item of " + jobID
	if owner == "" {
		return model.WorkItem{}, invalid("claim without owner")
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return model.WorkItem{}, wrap(err, "%s", what)
	}
	defer tx.Rollback()
	it, err := scanItem(tx.QueryRowContext(ctx, `SELECT data FROM work_items
		WHERE job_id = ? AND done = 0 AND (owner = '' OR lease_until <= ?)
		ORDER BY seq LIMIT 1`, jobID, nanos(now)), what)
	if err != nil {
		return it, err
	}
	it.Owner, it.LeaseUntil, it.Attempts = owner, until, it.Attempts+1
	if err := s.updateItem(ctx, tx, it, what); err != nil {
		return model.WorkItem{}, err
	}
	return it, wrap(tx.Commit(), "%s", what)
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
	return queryJSON[model.WorkItem](ctx, s.r, "work items of "+jobID,
		`SELECT data FROM work_items WHERE job_id = ? ORDER BY seq`, jobID)
}

// OpenWorkItems lists the job's items not done, ordered by Seq.
func (s *Store) OpenWorkItems(ctx context.Context, jobID string) ([]model.WorkItem, error) {
	return queryJSON[model.WorkItem](ctx, s.r, "open work items of "+jobID,
		`SELECT data FROM work_items WHERE job_id = ? AND done = 0 ORDER BY seq`, jobID)
}

// changeHeld applies change to an open item held by (owner, attempts), in
// one transaction.
func (s *Store) changeHeld(ctx context.Context, jobID string, seq int, owner string, attempts int, what string, change func(*model.WorkItem)) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrap(err, "%s", what)
	}
	defer tx.Rollback()
	it, err := scanItem(tx.QueryRowContext(ctx, `SELECT data FROM work_items WHERE job_id = ? AND seq = ?`, jobID, seq), what)
	if err != nil {
		return err
	}
	if !it.HeldBy(owner, attempts) {
		return fmt.Errorf("store/sqlite: %s: held by %q (claim %d, done %v), not by %q (claim %d): %w",
			what, it.Owner, it.Attempts, it.Done, owner, attempts, model.ErrConflict)
	}
	change(&it)
	if err := s.updateItem(ctx, tx, it, what); err != nil {
		return err
	}
	return wrap(tx.Commit(), "%s", what)
}

// execer is a connection pool or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// writeItem runs q with the item's key, claim columns and JSON as ?1…?6.
func (s *Store) writeItem(ctx context.Context, db execer, q string, it model.WorkItem) (sql.Result, error) {
	data, err := json.Marshal(it)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	done := 0
	if it.Done {
		done = 1
	}
	var lease int64
	if !it.LeaseUntil.IsZero() {
		lease = nanos(it.LeaseUntil)
	}
	return db.ExecContext(ctx, q, it.JobID, it.Seq, done, it.Owner, lease, string(data))
}

func (s *Store) updateItem(ctx context.Context, tx *sql.Tx, it model.WorkItem, what string) error {
	res, err := s.writeItem(ctx, tx, `UPDATE work_items SET done = ?3, owner = ?4, lease_until = ?5, data = ?6
		WHERE job_id = ?1 AND seq = ?2`, it)
	if err != nil {
		return wrap(err, "%s", what)
	}
	return requireRow(res, "%s", what)
}

// scanItem decodes a one-row work item query.
func scanItem(row *sql.Row, what string) (model.WorkItem, error) {
	var it model.WorkItem
	var data []byte
	if err := row.Scan(&data); err != nil {
		return it, wrap(err, "%s", what)
	}
	if err := json.Unmarshal(data, &it); err != nil {
		return it, fmt.Errorf("store/sqlite: %s: decode: %w", what, err)
	}
	return it, nil
}
