// Package sqlite is sihub's embedded store: one SQLite file (sihub.db) in
// the data directory, opened through the pure-Go driver modernc.org/sqlite.
// It implements store.Store and passes the conformance suite in
// store/storetest.
//
// Concurrency: the file runs in WAL mode. Every write goes through a pool of
// exactly one connection whose transactions begin IMMEDIATE, so writers of
// this process queue in Go instead of racing for the file lock; a separate,
// read-only pool serves lookups in parallel with the writer. Other processes
// opening the same file wait up to the busy timeout for the lock. The
// issuing path's writes (PutIssued — a document with its PDF, audit entry
// and notices in one —, PutDocument, AppendAudit, AllocateNumber,
// PutMessage) are group-committed: concurrent callers share one
// transaction (a caller whose work fails is taken out and the rest run
// again), and each returns only once that transaction is durably
// committed (see groupcommit.go). Under load numbers are reserved in
// blocks, the next one ahead in the background (counters.go), so a
// document costs one commit, shared; a connection of its own copies the
// WAL into the database file in the background (checkpoint.go), so no
// group commit runs a checkpoint for the issuers queued behind it.
//
// Records are stored as a few key columns plus a JSON column holding the
// whole record; PDFs are BLOBs in their own table, written in the same
// transaction as their registry entry. Statements are prepared once at Open.
// The schema is versioned (table schema_version) and migrated at Open; a file
// written by a newer sihub is refused.
//
// Errors: a missing record is model.ErrNotFound, a taken unique key is
// model.ErrConflict, a record without its key is ErrInvalid; all are wrapped
// with "store/sqlite: …" context.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	sqlitedriver "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the name of the database file inside the data directory.
const FileName = "sihub.db"

// PageSize is the page size of a newly created file.
const PageSize = 16 << 10

// BusyTimeout is how long a statement waits for another process's lock.
const BusyTimeout = 10 * time.Second

// ErrInvalid: a record lacks its key (an empty ID, code or number).
var ErrInvalid = errors.New("store/sqlite: invalid record")

// Store is the SQLite backend. It is safe for concurrent use.
type Store struct {
	path    string
	w       *sql.DB // exactly one connection: all writes
	r       *sql.DB // read-only connections
	st      statements
	gc      groupCommit      // documents, audit entries and numbers: see groupcommit.go
	numbers numberBlocks     // reserved numbers: see counters.go
	now     func() time.Time // the clock of the number blocks

	closeOnce sync.Once
	closeErr  error
}

// syncDataOnly switches SQLite's commits to fdatasync(2) once per process.
// A commit must make the WAL's new frames and the file's size durable,
// which fdatasync does; fsync(2), the driver's default, also forces the
// file's modification time through the file system's journal, which on
// ext4 is often what a commit waits for. SQLite's own builds for Linux
// sync this way. Where fdatasync is unavailable the call fails and fsync
// stays.
var syncDataOnly sync.Once

// Open opens (creating if needed) DIR/sihub.db. The directory is created
// with mode 0700 and the file with mode 0600; the schema is created or
// migrated before Open returns.
func Open(ctx context.Context, dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("store/sqlite: empty data directory")
	}
	syncDataOnly.Do(func() { sqlitedriver.Fdatasync(true) })
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: data directory: %w", err)
	}
	if strings.ContainsAny(abs, "?#") {
		return nil, fmt.Errorf("store/sqlite: data directory %q: '?' and '#' are not allowed", abs)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("store/sqlite: data directory: %w", err)
	}
	path := filepath.Join(abs, FileName)
	// Create the file ourselves so that it (and the -wal and -shm files,
	// which SQLite creates with the database file's mode) is private.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("store/sqlite: %w", err)
	}

	busy := fmt.Sprint(BusyTimeout.Milliseconds())
	// A new file gets 16 KiB pages (SQLite's default is 4): a document's
	// PDF then spans a quarter of the WAL frames, each written with its
	// own system calls at the commit, which measured about a third less
	// CPU per stored document. A file that exists keeps its page size
	// (the pragma is a no-op there).
	options := "?_busy_timeout=" + busy + "&_pragma=page_size(" + fmt.Sprint(PageSize) + ")&_journal_mode=WAL&_synchronous=FULL"
	w, err := sql.Open("sqlite", path+options+"&_txlock=immediate&_foreign_keys=1")
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	s := &Store{path: path, w: w, now: time.Now}
	s.gc.db = w
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}

	r, err := sql.Open("sqlite", path+"?_busy_timeout="+busy+"&_query_only=1")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store/sqlite: %w", err)
	}
	readers := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxIdleTime(0)
	r.SetConnMaxLifetime(0)
	s.r = r
	if s.gc.checkpoints, err = newCheckpointer(path + options); err != nil {
		s.Close()
		return nil, fmt.Errorf("store/sqlite: %w", err)
	}

	if err := s.st.prepare(ctx, w, r); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Close releases the statements and both connection pools. It may be
// called more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		errs := []error{s.st.close(), s.gc.checkpoints.close()}
		if s.r != nil {
			errs = append(errs, s.r.Close())
		}
		errs = append(errs, s.w.Close())
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("store/sqlite: close: %w", err)
		}
	})
	return s.closeErr
}
