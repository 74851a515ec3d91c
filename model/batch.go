package model

import "time"

// Batch job statuses (BatchJob.Status): a job is planned (its work items
// written) while planning, then running until every item is done.
const (
	JobPlanning = "planning"
	JobRunning  = "running"
	JobFinished = "finished"
)

// BatchJob is a batch issuance (e.g. the yearly statements of a region).
// Its ID is derived from what it issues, so running the same batch again
// resumes the same job. The work itself is in its WorkItems.
type BatchJob struct {
	ID     string `json:"id" bson:"_id"`
	Kind   string `json:"kind" bson:"kind"`                         // e.g. "statements"
	Year   int    `json:"year" bson:"year"`                         // the statements' year
	Region string `json:"region,omitempty" bson:"region,omitempty"` // a prefix of Person.Region; "" for every person
	Alg    string `json:"alg" bson:"alg"`                           // seal algorithm(s), e.g. "sm2"
	Status string `json:"status" bson:"status"`                     // Job* constants
	// Items and Subjects count the work items and their subjects once
	// the job is planned.
	Items    int `json:"items" bson:"items"`
	Subjects int `json:"subjects" bson:"subjects"`
	// The outcome, once finished: documents issued by the job, found
	// already issued (a retaken item), and subjects that failed.
	Issued  int `json:"issued" bson:"issued"`
	Already int `json:"already" bson:"already"`
	Failed  int `json:"failed" bson:"failed"`
	// Skipped counts subjects with nothing to state for the year (not
	// insured then): neither issued nor failed.
	Skipped  int            `json:"skipped,omitempty" bson:"skipped,omitempty"`
	Failures []BatchFailure `json:"failures,omitempty" bson:"failures,omitempty"`

	CreatedAt  time.Time  `json:"created_at" bson:"created_at"`
	PlannedAt  *time.Time `json:"planned_at,omitempty" bson:"planned_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty" bson:"finished_at,omitempty"`
}

// BatchFailure is one subject a batch could not issue for. Subject is
// masked (e.g. "110105********1239"): job records are read by operators.
type BatchFailure struct {
	Subject string `json:"subject" bson:"subject"`
	Reason  string `json:"reason" bson:"reason"`
}

// WorkItem is one claimable slice of a batch job: a list of subjects.
// A worker claims it with a lease (Owner until LeaseUntil); an item whose
// lease ended without it being done may be claimed by another worker.
// Attempts counts the claims and fences a former holder: renewing and
// completing require both Owner and Attempts to be unchanged.
type WorkItem struct {
	JobID      string    `json:"job_id" bson:"job_id"`
	Seq        int       `json:"seq" bson:"seq"` // 0, 1, 2 … in subject order
	Subjects   []string  `json:"subjects" bson:"subjects"`
	Owner      string    `json:"owner,omitempty" bson:"owner"`
	LeaseUntil time.Time `json:"lease_until,omitzero" bson:"lease_until"`
	Attempts   int       `json:"attempts" bson:"attempts"`
	Done       bool      `json:"done" bson:"done"`
	DoneAt     time.Time `json:"done_at,omitzero" bson:"done_at,omitempty"`
	// The outcome of a done item, as for BatchJob.
	Issued  int `json:"issued" bson:"issued"`
	Already int `json:"already" bson:"already"`
	Failed  int `json:"failed" bson:"failed"`
	// Skipped counts subjects with nothing to state for the year (not
	// insured then): neither issued nor failed.
	Skipped  int            `json:"skipped,omitempty" bson:"skipped,omitempty"`
	Failures []BatchFailure `json:"failures,omitempty" bson:"failures,omitempty"`
}

// HeldBy reports whether the item is open and still held by the claim
// (owner, attempts): the check a store makes before renewing or
// completing it.
func (it WorkItem) HeldBy(owner string, attempts int) bool {
	return !it.Done && it.Owner == owner && it.Attempts == attempts
}

// Complete marks the item done at done.DoneAt with done's outcome
// (Issued, Already, Failed, Skipped, Failures); its key, subjects and
// claim stay.
func (it *WorkItem) Complete(done WorkItem) {
	it.Done, it.DoneAt = true, done.DoneAt
	it.Issued, it.Already, it.Failed, it.Skipped = done.Issued, done.Already, done.Failed, done.Skipped
	it.Failures = done.Failures
}
