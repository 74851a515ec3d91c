package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations[i] brings the schema from version i to version i+1. Append
// only; never edit a released step.
var migrations = []string{
	// 1: the initial schema.
	`
CREATE TABLE persons (
	id   TEXT PRIMARY KEY,
	data TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE units (
	credit_code TEXT PRIMARY KEY,
	data        TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE insurances (
	person_id TEXT NOT NULL,
	type      TEXT NOT NULL,
	data      TEXT NOT NULL,
	PRIMARY KEY (person_id, type)
) WITHOUT ROWID;

CREATE TABLE contributions (
	person_id TEXT NOT NULL,
	month     TEXT NOT NULL,
	type      TEXT NOT NULL,
	data      TEXT NOT NULL,
	PRIMARY KEY (person_id, month, type)
) WITHOUT ROWID;

CREATE TABLE documents (
	code            TEXT PRIMARY KEY,
	number          TEXT NOT NULL UNIQUE,
	idempotency_key TEXT UNIQUE, -- NULL when the document has none
	subject         TEXT NOT NULL,
	issued_at       INTEGER NOT NULL, -- Unix nanoseconds
	data            TEXT NOT NULL
);
CREATE INDEX documents_subject ON documents (subject, issued_at DESC, code);

CREATE TABLE pdfs (
	code TEXT PRIMARY KEY REFERENCES documents (code),
	data BLOB NOT NULL
);

CREATE TABLE seals (
	id   TEXT PRIMARY KEY,
	data TEXT NOT NULL
);

CREATE TABLE certificates (
	serial     TEXT PRIMARY KEY,
	role       TEXT NOT NULL,
	not_before INTEGER NOT NULL, -- Unix nanoseconds
	data       TEXT NOT NULL
);
CREATE INDEX certificates_role ON certificates (role, not_before, serial);
CREATE INDEX certificates_not_before ON certificates (not_before, serial);

CREATE TABLE key_blobs (
	id   TEXT PRIMARY KEY,
	data TEXT NOT NULL
);

CREATE TABLE accounts (
	login         TEXT PRIMARY KEY,
	password_hash TEXT NOT NULL,
	data          TEXT NOT NULL
);

CREATE TABLE api_keys (
	id          TEXT PRIMARY KEY,
	secret_hash TEXT NOT NULL,
	data        TEXT NOT NULL
);

CREATE TABLE counters (
	series TEXT PRIMARY KEY,
	value  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit (
	seq    INTEGER PRIMARY KEY, -- insertion order, breaks ties of time
	id     TEXT NOT NULL UNIQUE,
	time   INTEGER NOT NULL, -- Unix nanoseconds
	action TEXT NOT NULL,
	object TEXT NOT NULL,
	data   TEXT NOT NULL
);
CREATE INDEX audit_time ON audit (time, seq);
CREATE INDEX audit_action ON audit (action, time, seq);
CREATE INDEX audit_object ON audit (object, time, seq);
`,
	// 2: in-platform messages.
	`
CREATE TABLE messages (
	seq        INTEGER PRIMARY KEY, -- insertion order, breaks ties of created_at
	id         TEXT NOT NULL UNIQUE,
	recipient  TEXT NOT NULL,
	dedup_key  TEXT UNIQUE, -- NULL when the message has none
	created_at INTEGER NOT NULL, -- Unix nanoseconds
	data       TEXT NOT NULL
);
CREATE INDEX messages_recipient ON messages (recipient, created_at, seq);
`,
	// 3: applications, benefit payments, and a unit's staff and arrears.
	`
CREATE TABLE applications (
	id   TEXT PRIMARY KEY,
	data TEXT NOT NULL
);

CREATE TABLE benefit_payments (
	person_id TEXT NOT NULL,
	month     TEXT NOT NULL,
	item      TEXT NOT NULL,
	data      TEXT NOT NULL,
	PRIMARY KEY (person_id, month, item)
) WITHOUT ROWID;

CREATE INDEX insurances_unit ON insurances (json_extract(data, '$.unit_code'), person_id, type);
CREATE INDEX contributions_unpaid_unit ON contributions (json_extract(data, '$.unit_code'), month, person_id, type)
	WHERE json_extract(data, '$.paid') = 0;
`,
	// 4: batch jobs and their leased work items.
	`
CREATE TABLE batch_jobs (
	id   TEXT PRIMARY KEY,
	data TEXT NOT NULL
);

CREATE TABLE work_items (
	job_id      TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	done        INTEGER NOT NULL,
	owner       TEXT NOT NULL,
	lease_until INTEGER NOT NULL, -- Unix nanoseconds
	data        TEXT NOT NULL,
	PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE INDEX work_items_open ON work_items (job_id, done, seq);
`,
	// 5: the email and SMS outbox.
	`
CREATE TABLE outbox (
	id           TEXT PRIMARY KEY,
	status       TEXT NOT NULL,
	attempts     INTEGER NOT NULL,
	next_attempt INTEGER NOT NULL, -- Unix nanoseconds
	data         TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX outbox_due ON outbox (status, next_attempt, id);
`,
	// 6: the months in which a person paid each insurance type, and at
	// which unit, for the consecutive-months count (PaidStreak): a narrow
	// table keyed like contributions (person, type, month), so the count
	// scans a few short keys instead of reading and decoding every
	// contribution row of the person. PutContributions and PutRecords —
	// the only writers of contributions — keep it in the same transaction
	// (paidmonths.go); a trigger takes a deleted contribution's month out.
	// The rows already stored are copied here. (An index on the unit of
	// paid rows, as an expression or a generated column, was not cheaper:
	// SQLite still looks each entry up in the table; triggers on insert
	// and update parse each row's JSON again and slowed bulk loads by
	// about 40 %.)
	`
CREATE TABLE paid_months (
	person_id TEXT NOT NULL,
	type      TEXT NOT NULL,
	month     TEXT NOT NULL,
	unit_code TEXT NOT NULL,
	PRIMARY KEY (person_id, type, month)
) WITHOUT ROWID;

INSERT INTO paid_months (person_id, type, month, unit_code)
	SELECT person_id, type, month, coalesce(json_extract(data, '$.unit_code'), '') FROM contributions
	WHERE json_extract(data, '$.paid') = 1;

CREATE TRIGGER contributions_paid_delete AFTER DELETE ON contributions BEGIN
	DELETE FROM paid_months WHERE person_id = old.person_id AND type = old.type AND month = old.month;
END;
`,
	// 7: how a stored PDF is encoded: '' as written, 's2' an S2 block
	// (pdfblob.go). Issued PDFs are about a third smaller in S2, and each
	// stored byte is written twice, to the WAL and by the checkpoint.
	`
ALTER TABLE pdfs ADD COLUMN encoding TEXT NOT NULL DEFAULT '';
`,
}

// SchemaVersion is the schema version this package writes.
var SchemaVersion = len(migrations)

// migrate creates the version table and applies the missing steps, each in
// its own IMMEDIATE transaction, so two processes opening a new file at
// once do not both apply a step.
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("store/sqlite: schema: %w", err)
	}
	for {
		done, err := migrateStep(ctx, db)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

// migrateStep applies at most one step and reports whether the schema is
// current.
func migrateStep(ctx context.Context, db *sql.DB) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store/sqlite: schema: %w", err)
	}
	defer tx.Rollback()

	var version int
	err = tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&version)
	switch {
	case err == sql.ErrNoRows:
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return false, fmt.Errorf("store/sqlite: schema: %w", err)
		}
	case err != nil:
		return false, fmt.Errorf("store/sqlite: schema: %w", err)
	}
	if version > len(migrations) {
		return false, fmt.Errorf("store/sqlite: schema version %d is newer than this program's %d", version, len(migrations))
	}
	if version == len(migrations) {
		return true, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, migrations[version]); err != nil {
		return false, fmt.Errorf("store/sqlite: schema step %d: %w", version+1, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, version+1); err != nil {
		return false, fmt.Errorf("store/sqlite: schema step %d: %w", version+1, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store/sqlite: schema step %d: %w", version+1, err)
	}
	return false, nil
}
