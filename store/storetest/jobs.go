package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sihub/model"
	"sihub/store"
)

func batchJob(id string) model.BatchJob {
	return model.BatchJob{ID: id, Kind: "statements", Year: 2025, Region: "110105", Alg: "sm2",
		Status: model.JobPlanning, CreatedAt: at(time.Minute)}
}

func workItem(job string, seq int) model.WorkItem {
	return model.WorkItem{JobID: job, Seq: seq, Subjects: []string{fmt.Sprintf("P%03d-a", seq), fmt.Sprintf("P%03d-b", seq)}}
}

// testPersonIDsInRegion walks the persons of a district, a city and a
// province in pages, in ID order.
func testPersonIDsInRegion(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	regions := []string{"110105", "110108", "310104", "110105", "120101", "110105", "110108", "011050"}
	var all []model.Person
	for i, r := range regions {
		p := person(fmt.Sprintf("%s1990030712%02d", r, i))
		p.Region = r
		must(t, "PutPerson", s.PutPerson(c, p))
		all = append(all, p)
	}
	for _, tc := range []struct {
		prefix string
		page   int
	}{{"110105", 2}, {"1101", 2}, {"11", 3}, {"31", 1}, {"", 3}, {"9", 2}, {"1101050", 2}} {
		var want []string
		for _, p := range all {
			if strings.HasPrefix(p.Region, tc.prefix) {
				want = append(want, p.ID)
			}
		}
		slices.Sort(want)
		var got []string
		after := ""
		for range len(all) + 1 {
			ids, err := s.PersonIDsInRegion(c, tc.prefix, after, tc.page)
			must(t, "PersonIDsInRegion", err)
			if len(ids) > tc.page {
				t.Fatalf("PersonIDsInRegion(%q, %q, %d) returned %d ids", tc.prefix, after, tc.page, len(ids))
			}
			if len(ids) == 0 {
				break
			}
			got = append(got, ids...)
			after = ids[len(ids)-1]
		}
		if !slices.Equal(got, want) {
			t.Errorf("region %q: walked %q, want %q", tc.prefix, got, want)
		}
	}
	ids, err := s.PersonIDsInRegion(c, "110108", "", 0)
	must(t, "PersonIDsInRegion without limit", err)
	if len(ids) != 2 {
		t.Errorf("PersonIDsInRegion(110108, no limit) = %q, want 2 ids", ids)
	}
}

// testJobs stores a batch job and moves it through its statuses with
// UpdateJob, a compare-and-set on the status.
func testJobs(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	j := batchJob("statements-2025-110105")
	_, err := s.Job(c, j.ID)
	wantNotFound(t, "Job of a missing job", err)
	wantNotFound(t, "UpdateJob of a missing job", s.UpdateJob(c, j, model.JobPlanning))
	must(t, "CreateJob", s.CreateJob(c, j))
	got, err := s.Job(c, j.ID)
	must(t, "Job", err)
	wantSame(t, "Job after CreateJob", got, j)

	again := j
	again.Region = "other"
	wantConflict(t, "CreateJob of a taken ID", s.CreateJob(c, again))

	planned := j
	plannedAt := at(time.Hour)
	planned.Status, planned.Items, planned.Subjects, planned.PlannedAt = model.JobRunning, 3, 250, &plannedAt
	must(t, "UpdateJob planning → running", s.UpdateJob(c, planned, model.JobPlanning))
	wantConflict(t, "UpdateJob from a status the job has left", s.UpdateJob(c, again, model.JobPlanning))

	finished := planned
	finishedAt := at(2 * time.Hour)
	finished.Status, finished.FinishedAt = model.JobFinished, &finishedAt
	finished.Issued, finished.Already, finished.Failed = 240, 8, 2
	finished.Failures = []model.BatchFailure{{Subject: "110105********1239", Reason: "没有缴费记录"}, {Subject: "110105********0011", Reason: "timeout"}}
	must(t, "UpdateJob running → finished", s.UpdateJob(c, finished, model.JobRunning))
	got, err = s.Job(c, j.ID)
	must(t, "Job", err)
	wantSame(t, "Job after finishing", got, finished)
}

// testWorkItemLeases walks items through claims: lowest Seq first, a held
// item is not claimed again before its lease ends, a lease that ended is
// taken over, and the former holder can then neither renew nor complete.
func testWorkItemLeases(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	const job = "J1"
	_, err := s.LastWorkItem(c, job)
	wantNotFound(t, "LastWorkItem of a job without items", err)
	_, err = s.ClaimWorkItem(c, job, "w1", at(0), at(time.Minute))
	wantNotFound(t, "ClaimWorkItem of a job without items", err)
	for seq := range 3 {
		must(t, "AddWorkItem", s.AddWorkItem(c, workItem(job, seq)))
	}
	open, err := s.OpenWorkItems(c, job)
	must(t, "OpenWorkItems", err)
	wantSame(t, "OpenWorkItems before any claim", open, []model.WorkItem{workItem(job, 0), workItem(job, 1), workItem(job, 2)})
	must(t, "AddWorkItem of another job", s.AddWorkItem(c, workItem("J2", 7)))
	wantConflict(t, "AddWorkItem of a taken (job, seq)", s.AddWorkItem(c, workItem(job, 1)))
	last, err := s.LastWorkItem(c, job)
	must(t, "LastWorkItem", err)
	wantSame(t, "LastWorkItem", last, workItem(job, 2))

	now := at(0)
	lease := func(d time.Duration) time.Time { return now.Add(d) }
	a, err := s.ClaimWorkItem(c, job, "w1", now, lease(time.Minute))
	must(t, "ClaimWorkItem w1", err)
	want := workItem(job, 0)
	want.Owner, want.LeaseUntil, want.Attempts = "w1", lease(time.Minute), 1
	wantSame(t, "first claim", a, want)
	b, err := s.ClaimWorkItem(c, job, "w2", now, lease(30*time.Second))
	must(t, "ClaimWorkItem w2", err)
	if b.Seq != 1 || b.Owner != "w2" || b.Attempts != 1 {
		t.Errorf("second claim got %+v, want item 1 held by w2 (claim 1)", b)
	}
	third, err := s.ClaimWorkItem(c, job, "w3", now, lease(5*time.Minute))
	must(t, "ClaimWorkItem w3", err)
	if third.Seq != 2 {
		t.Errorf("third claim got item %d, want 2", third.Seq)
	}
	_, err = s.ClaimWorkItem(c, job, "w4", now, lease(time.Minute))
	wantNotFound(t, "ClaimWorkItem while every item is held", err)

	// w1 renews; w2 does not, and its lease ends first.
	must(t, "RenewWorkItem by its holder", s.RenewWorkItem(c, job, 0, "w1", 1, lease(2*time.Minute)))
	wantConflict(t, "RenewWorkItem by another owner", s.RenewWorkItem(c, job, 0, "w2", 1, lease(time.Hour)))
	wantNotFound(t, "RenewWorkItem of a missing item", s.RenewWorkItem(c, job, 9, "w1", 1, lease(time.Hour)))
	now = at(time.Minute) // w2's lease (30 s) has ended, w1's (2 min) and w3's (5 min) have not
	taken, err := s.ClaimWorkItem(c, job, "w4", now, lease(time.Minute))
	must(t, "ClaimWorkItem of an ended lease", err)
	if taken.Seq != 1 || taken.Owner != "w4" || taken.Attempts != 2 || !taken.LeaseUntil.Equal(lease(time.Minute)) {
		t.Errorf("taken over: %+v, want item 1 held by w4 (claim 2) until %v", taken, lease(time.Minute))
	}
	_, err = s.ClaimWorkItem(c, job, "w5", now, lease(time.Minute))
	wantNotFound(t, "ClaimWorkItem after the ended lease was taken", err)

	// The former holder is fenced off.
	wantConflict(t, "RenewWorkItem by the former holder", s.RenewWorkItem(c, job, 1, "w2", 1, lease(time.Hour)))
	stale := b
	stale.Issued, stale.DoneAt = 2, now
	wantConflict(t, "CompleteWorkItem by the former holder", s.CompleteWorkItem(c, stale))
	// The same owner with an older claim number is fenced off too.
	sameOwner := taken
	sameOwner.Attempts = 1
	wantConflict(t, "CompleteWorkItem with an old claim number", s.CompleteWorkItem(c, sameOwner))

	done := taken
	done.DoneAt, done.Issued, done.Already, done.Skipped = now, 1, 1, 1
	must(t, "CompleteWorkItem by the holder", s.CompleteWorkItem(c, done))
	wantConflict(t, "CompleteWorkItem twice", s.CompleteWorkItem(c, done))
	wantConflict(t, "RenewWorkItem of a done item", s.RenewWorkItem(c, job, 1, "w4", 2, lease(time.Hour)))
	// A holder whose lease ended may still complete while no one took over.
	first := a
	first.LeaseUntil = at(2 * time.Minute)
	first.DoneAt, first.Issued, first.Failed = at(3*time.Minute), 1, 1
	first.Failures = []model.BatchFailure{{Subject: "P000********b", Reason: "no contributions"}}
	must(t, "CompleteWorkItem after the lease ended, not taken over", s.CompleteWorkItem(c, first))

	// A done item is never claimed again, however late.
	now = at(time.Hour)
	again, err := s.ClaimWorkItem(c, job, "w6", now, lease(time.Minute))
	must(t, "ClaimWorkItem late", err)
	if again.Seq != 2 || again.Attempts != 2 {
		t.Errorf("late claim got %+v, want item 2 (claim 2)", again)
	}
	_, err = s.ClaimWorkItem(c, job, "w7", now, lease(time.Minute))
	wantNotFound(t, "ClaimWorkItem when the rest is done or held", err)

	items, err := s.WorkItems(c, job)
	must(t, "WorkItems", err)
	first.Done, done.Done = true, true
	wantSame(t, "WorkItems", items, []model.WorkItem{first, done, again})
	open, err = s.OpenWorkItems(c, job)
	must(t, "OpenWorkItems", err)
	wantSame(t, "OpenWorkItems", open, []model.WorkItem{again})
	none, err := s.OpenWorkItems(c, "no-such-job")
	must(t, "OpenWorkItems of a missing job", err)
	wantSame(t, "OpenWorkItems of a missing job", none, []model.WorkItem{})
	other, err := s.WorkItems(c, "J2")
	must(t, "WorkItems of J2", err)
	if len(other) != 1 || other[0].Seq != 7 {
		t.Errorf("WorkItems(J2) = %+v, want its one item", other)
	}
}

// testClaimWorkItemConcurrent has every goroutine claim items until none is
// left: each item is claimed exactly once, whoever wins it.
func testClaimWorkItemConcurrent(t *testing.T, s store.Store, o Options) {
	c := ctx(t)
	const job = "race"
	n := o.Goroutines * 4
	for seq := range n {
		must(t, "AddWorkItem", s.AddWorkItem(c, workItem(job, seq)))
	}
	var mu sync.Mutex
	owners := map[int]string{}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range o.Goroutines {
		wg.Go(func() {
			owner := fmt.Sprintf("w%d", w)
			<-start
			for {
				it, err := s.ClaimWorkItem(c, job, owner, at(0), at(time.Hour))
				if errors.Is(err, model.ErrNotFound) {
					return
				}
				if err != nil {
					t.Errorf("%s: ClaimWorkItem: %v", owner, err)
					return
				}
				mu.Lock()
				if prev, ok := owners[it.Seq]; ok {
					t.Errorf("item %d claimed by %s and by %s", it.Seq, prev, owner)
				}
				owners[it.Seq] = owner
				mu.Unlock()
				if it.Owner != owner || it.Attempts != 1 {
					t.Errorf("%s got %+v", owner, it)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if len(owners) != n {
		t.Errorf("%d items claimed, want %d", len(owners), n)
	}
	items, err := s.WorkItems(c, job)
	must(t, "WorkItems", err)
	for _, it := range items {
		if it.Owner != owners[it.Seq] || it.Attempts != 1 {
			t.Errorf("stored item %d held by %q (claim %d), but %q won it", it.Seq, it.Owner, it.Attempts, owners[it.Seq])
		}
	}
}
