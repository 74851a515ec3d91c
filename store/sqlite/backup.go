package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("store/sqlite: ping: %w", err)
	}
	return nil
}

// BackupTo writes a consistent copy of the database to path (VACUUM INTO),
// while readers and writers go on. The copy is a complete sihub.db that
// Open accepts once placed in a data directory. path must not exist; the
// copy is made with mode 0600.
func (s *Store) BackupTo(ctx context.Context, path string) error {
	if path == "" {
		return errors.New("store/sqlite: backup: empty path")
	}
	// Create the file first so that its mode is ours, then let SQLite
	// fill it (VACUUM INTO accepts an existing empty file).
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("store/sqlite: backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store/sqlite: backup: %w", err)
	}
	// The reader pool is query-only and the writer must stay free, so the
	// copy gets a connection of its own.
	db, err := sql.Open("sqlite", s.path+"?_busy_timeout="+fmt.Sprint(BusyTimeout.Milliseconds()))
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("store/sqlite: backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("store/sqlite: backup: %w", err)
	}
	return db.Close()
}
