// Package store persists sihub's records. It implements the small
// interfaces that the domain packages declare (signer.Records,
// verifier.Registry, portal's stores …) for two backends: the embedded
// default (SQLite, package store/sqlite) and MongoDB (package store/mongo).
// Every backend passes the conformance suite in store/storetest.
//
// Errors: a missing record is model.ErrNotFound, a taken unique key is
// model.ErrConflict (both wrapped, checked with errors.Is).
package store

import (
	"context"
	"time"

	"sihub/model"
)

// Store is everything a backend provides.
type Store interface {
	Persons
	Units
	Contributions
	Documents
	Seals
	Certificates
	Keys
	Accounts
	Counters
	Audit
	Messages
	Applications
	Benefits
	UnitRecords
	Jobs
	Outbox
	Bulk
	// Close releases the backend's resources.
	Close() error
}

// Persons holds insured persons.
type Persons interface {
	// PutPerson inserts or replaces a person by ID.
	PutPerson(ctx context.Context, p model.Person) error
	Person(ctx context.Context, id string) (model.Person, error)
	CountPersons(ctx context.Context) (int64, error)
	// PersonIDs returns up to limit person IDs greater than after, in order
	// (for batch jobs walking every person).
	PersonIDs(ctx context.Context, after string, limit int) ([]string, error)
	// PersonIDsInRegion is PersonIDs for the persons whose Region starts
	// with regionPrefix (a batch job for a district, a city, a province).
	PersonIDsInRegion(ctx context.Context, regionPrefix, after string, limit int) ([]string, error)
}

// Units holds insured employers.
type Units interface {
	PutUnit(ctx context.Context, u model.Unit) error
	Unit(ctx context.Context, creditCode string) (model.Unit, error)
}

// Contributions holds enrolments and monthly contributions.
type Contributions interface {
	// PutInsurance inserts or replaces the enrolment keyed by (PersonID, Type).
	PutInsurance(ctx context.Context, in model.Insurance) error
	// Insurances lists a person's enrolments ordered by type.
	Insurances(ctx context.Context, personID string) ([]model.Insurance, error)
	// PutContributions inserts or replaces months keyed by (PersonID, Month, Type).
	PutContributions(ctx context.Context, cs []model.Contribution) error
	// ContributionsBetween lists a person's contributions with from <= Month <= to
	// ("YYYY-MM"), ordered by month then type.
	ContributionsBetween(ctx context.Context, personID, from, to string) ([]model.Contribution, error)
	// ContributionsOfType is ContributionsBetween for one insurance type,
	// ordered by month.
	ContributionsOfType(ctx context.Context, personID, typ, from, to string) ([]model.Contribution, error)
	// PaidStreak counts the months going back from last ("YYYY-MM")
	// without a gap in which the person has a paid contribution of one of
	// types at the unit unitCode: it stops at the first month without one,
	// and after limit months. A malformed month is an invalid argument.
	PaidStreak(ctx context.Context, personID, unitCode string, types []string, last string, limit int) (int, error)
}

// Documents is the registry of issued documents and their PDFs.
type Documents interface {
	// PutDocument stores the PDF and the registry entry. A reader never sees
	// the entry without its PDF. ErrConflict if the code, the number or the
	// idempotency key is taken.
	PutDocument(ctx context.Context, d model.Document, pdf []byte) error
	// PutIssued stores a new document with its PDF, its audit entry and its
	// holder's notices (model.Issuance). As PutDocument, plus: a taken audit
	// ID is ErrConflict; a notice whose dedup key or ID is taken is left
	// out. A backend with transactions writes it all in one (the embedded
	// store: one group-committed transaction); one without writes the
	// document, then the audit entry, then the notices, and a failure among
	// the notices alone is model.ErrNoticesNotStored (the document stands).
	PutIssued(ctx context.Context, is model.Issuance) error
	DocumentByCode(ctx context.Context, code string) (model.Document, error)
	DocumentByNumber(ctx context.Context, number string) (model.Document, error)
	DocumentByIdempotencyKey(ctx context.Context, key string) (model.Document, error)
	DocumentPDF(ctx context.Context, code string) ([]byte, error)
	// DocumentsBySubject lists a subject's documents, newest first.
	DocumentsBySubject(ctx context.Context, subject string) ([]model.Document, error)
	// SetDocumentStatus changes status, reason and superseded-by of a document.
	SetDocumentStatus(ctx context.Context, code string, status model.DocumentStatus, reason, supersededBy string) error
}

// Seals holds the agency's seals.
type Seals interface {
	PutSeal(ctx context.Context, s model.Seal) error
	Seal(ctx context.Context, id string) (model.Seal, error)
	ListSeals(ctx context.Context) ([]model.Seal, error)
	// UpdateSeal replaces the stored seal s.ID only if its stored status is
	// fromStatus, atomically (compare-and-set on the status): a missing
	// seal is ErrNotFound, another status ErrConflict. Of several callers
	// moving a seal out of one status, one succeeds.
	UpdateSeal(ctx context.Context, s model.Seal, fromStatus string) error
}

// Certificates holds issued and trusted certificates.
type Certificates interface {
	PutCertificate(ctx context.Context, c model.Certificate) error
	Certificate(ctx context.Context, serial string) (model.Certificate, error)
	// ListCertificates lists certificates of a role ("" for all), oldest first.
	ListCertificates(ctx context.Context, role string) ([]model.Certificate, error)
}

// Keys holds wrapped private keys. Keys are never replaced: PutKey on an
// existing ID is ErrConflict.
type Keys interface {
	PutKey(ctx context.Context, k model.KeyBlob) error
	Key(ctx context.Context, id string) (model.KeyBlob, error)
	ListKeys(ctx context.Context) ([]model.KeyBlob, error)
	DeleteKey(ctx context.Context, id string) error
}

// Accounts holds portal logins and institutions' API keys.
type Accounts interface {
	PutAccount(ctx context.Context, a model.Account) error
	Account(ctx context.Context, login string) (model.Account, error)
	PutAPIKey(ctx context.Context, k model.APIKey) error
	APIKey(ctx context.Context, id string) (model.APIKey, error)
}

// Counters hands out numbers.
type Counters interface {
	// AllocateNumber returns the next number of a series (1, 2, 3 …). Two
	// calls never return the same number for the same series, also under
	// concurrent callers in several processes.
	AllocateNumber(ctx context.Context, series string) (int64, error)
}

// Messages holds in-platform messages (model.Message).
type Messages interface {
	// PutMessage stores a new message. An empty ID gets a random one. A
	// taken ID or DedupKey is ErrConflict (the first message stays).
	PutMessage(ctx context.Context, m model.Message) error
	// MessagesFor lists the messages to any of recipients (logins and
	// model.RoleRecipient values), newest (CreatedAt) first, at most limit
	// (<= 0: no limit).
	MessagesFor(ctx context.Context, recipients []string, limit int) ([]model.Message, error)
	// MarkMessageRead sets ReadAt of a message that has none (a message
	// already read keeps its first time). A missing ID is ErrNotFound.
	MarkMessageRead(ctx context.Context, id string, at time.Time) error
}

// Outbox holds email and SMS messages waiting to be sent
// (model.OutboxMessage), and the record of those sent or given up.
type Outbox interface {
	// PutOutbox stores a new outbox message. A taken ID is ErrConflict
	// (the first message stays).
	PutOutbox(ctx context.Context, m model.OutboxMessage) error
	OutboxMessage(ctx context.Context, id string) (model.OutboxMessage, error)
	// DueOutbox lists pending messages with NextAttemptAt <= now, the
	// earliest due first (ties by ID), at most limit (<= 0: no limit).
	DueOutbox(ctx context.Context, now time.Time, limit int) ([]model.OutboxMessage, error)
	// UpdateOutbox replaces the stored message m.ID only if it is still
	// pending with fromAttempts attempts, atomically (compare-and-set): a
	// missing message is ErrNotFound, another state ErrConflict. Of
	// several dispatchers taking one message, one succeeds.
	UpdateOutbox(ctx context.Context, m model.OutboxMessage, fromAttempts int) error
}

// Audit is the append-only audit trail.
type Audit interface {
	AppendAudit(ctx context.Context, e model.AuditEntry) error
	// AuditEntries lists entries with Time >= since, filtered by action
	// ("" for all) and object ("" for all), oldest first, at most limit.
	AuditEntries(ctx context.Context, since time.Time, action, object string, limit int) ([]model.AuditEntry, error)
}

// Applications holds service applications, from receipt to result.
type Applications interface {
	// PutApplication inserts or replaces an application by ID.
	PutApplication(ctx context.Context, a model.Application) error
	Application(ctx context.Context, id string) (model.Application, error)
}

// Benefits holds the benefits paid to persons.
type Benefits interface {
	// PutBenefitPayments inserts or replaces payments keyed by (PersonID,
	// Month, Item).
	PutBenefitPayments(ctx context.Context, ps []model.BenefitPayment) error
	// BenefitPayments lists a person's payments with from <= Month <= to,
	// ordered by month then item.
	BenefitPayments(ctx context.Context, personID, from, to string) ([]model.BenefitPayment, error)
}

// UnitRecords answers for a unit's staff as a whole.
type UnitRecords interface {
	// InsurancesOfUnit lists the enrolments whose UnitCode is the unit,
	// ordered by person then type.
	InsurancesOfUnit(ctx context.Context, unitCode string) ([]model.Insurance, error)
	// UnpaidContributionsOfUnit lists the unit's unpaid contributions with
	// from <= Month <= to, ordered by month, person, type.
	UnpaidContributionsOfUnit(ctx context.Context, unitCode, from, to string) ([]model.Contribution, error)
}

// Jobs holds batch jobs and their work items. Items are claimed with
// leases by compare-and-set, so that several processes on several nodes
// can run one job, and a dead worker's items are taken over once their
// lease has ended. Times are the callers' (a clock each node injects).
type Jobs interface {
	// CreateJob stores a new job; a taken ID is ErrConflict.
	CreateJob(ctx context.Context, j model.BatchJob) error
	Job(ctx context.Context, id string) (model.BatchJob, error)
	// UpdateJob replaces the stored job j.ID only if its stored status is
	// fromStatus, atomically: a missing job is ErrNotFound, another
	// status ErrConflict.
	UpdateJob(ctx context.Context, j model.BatchJob, fromStatus string) error
	// AddWorkItem stores a new item (its claim fields are stored as
	// given); a taken (JobID, Seq) is ErrConflict.
	AddWorkItem(ctx context.Context, it model.WorkItem) error
	// LastWorkItem returns the job's item with the highest Seq;
	// ErrNotFound if the job has none.
	LastWorkItem(ctx context.Context, jobID string) (model.WorkItem, error)
	// ClaimWorkItem takes the job's lowest-Seq item that is not done and
	// that no one holds (no Owner, or LeaseUntil <= now): it sets Owner to
	// owner, LeaseUntil to until and adds one to Attempts, atomically, and
	// returns the item as stored. Of concurrent claimers, in any process,
	// each claim goes to one. ErrNotFound when no item can be claimed.
	ClaimWorkItem(ctx context.Context, jobID, owner string, now, until time.Time) (model.WorkItem, error)
	// RenewWorkItem moves the lease of the item (jobID, seq) to until if
	// it is not done and still held by the claim (owner, attempts);
	// ErrConflict otherwise (another worker has claimed it since),
	// ErrNotFound for a missing item.
	RenewWorkItem(ctx context.Context, jobID string, seq int, owner string, attempts int, until time.Time) error
	// CompleteWorkItem marks the item it.JobID/it.Seq done with its
	// outcome (Issued, Already, Failed, Failures, DoneAt) if it is still
	// held by the claim (it.Owner, it.Attempts), even after its lease
	// ended; ErrConflict otherwise, ErrNotFound for a missing item.
	CompleteWorkItem(ctx context.Context, it model.WorkItem) error
	// WorkItems lists the job's items ordered by Seq.
	WorkItems(ctx context.Context, jobID string) ([]model.WorkItem, error)
	// OpenWorkItems lists the job's items that are not done, ordered by
	// Seq (a worker with nothing to claim looks when the held ones end).
	OpenWorkItems(ctx context.Context, jobID string) ([]model.WorkItem, error)
}

// Bulk loads many records at once (synthetic data, imports).
type Bulk interface {
	// PutRecords inserts or replaces every record of r, keyed as PutUnit,
	// PutPerson, PutInsurance, PutContributions and PutApplication key
	// them; a record without its key is refused before anything is
	// written. The embedded store writes r in one transaction (all or
	// nothing); MongoDB in unordered bulk writes, one per collection, so a
	// failure may leave part written, and repeating the call completes it.
	PutRecords(ctx context.Context, r model.RecordBatch) error
}
