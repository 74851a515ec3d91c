package app

import (
	"context"
	"errors"
	"fmt"

	"sihub/model"
)

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
	if stored.Alg != b.o.Alg {
		return stored, fmt.Errorf("%w: job %s seals with %s, not %s", ErrBatchOptions, id, stored.Alg, b.o.Alg)
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
