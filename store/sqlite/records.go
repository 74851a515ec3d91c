package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"sihub/model"
)

// wrap adds context to err and maps SQLite's unique-constraint failures to
// model.ErrConflict and sql.ErrNoRows to model.ErrNotFound.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf(format, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store/sqlite: %s: %w", what, model.ErrNotFound)
	}
	if isUniqueViolation(err) {
		return fmt.Errorf("store/sqlite: %s: %w (%v)", what, model.ErrConflict, err)
	}
	return fmt.Errorf("store/sqlite: %s: %w", what, err)
}

func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}

// invalid reports a record without its key.
func invalid(what string) error {
	return fmt.Errorf("%w: %s", ErrInvalid, what)
}

// nanos is t as Unix nanoseconds, clamped to the int64 range so that times
// far in the past or future still sort correctly.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// getJSON runs a one-row query and decodes its single JSON column into v.
func getJSON[T any](ctx context.Context, stmt *sql.Stmt, what string, args ...any) (T, error) {
	var v T
	var data []byte
	if err := stmt.QueryRowContext(ctx, args...).Scan(&data); err != nil {
		return v, wrap(err, "%s", what)
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, fmt.Errorf("store/sqlite: %s: decode: %w", what, err)
	}
	return v, nil
}

// listJSON runs a query and decodes each row's single JSON column.
func listJSON[T any](ctx context.Context, stmt *sql.Stmt, what string, args ...any) ([]T, error) {
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, wrap(err, "%s", what)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, wrap(err, "%s", what)
		}
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("store/sqlite: %s: decode: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "%s", what)
	}
	return out, nil
}

// execJSON runs a write statement with v, encoded as JSON text, as its last
// argument. (Text, not a BLOB: SQLite reads a BLOB as binary JSONB.)
func execJSON(ctx context.Context, stmt *sql.Stmt, what string, v any, args ...any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store/sqlite: %s: encode: %w", what, err)
	}
	_, err = stmt.ExecContext(ctx, append(args, string(data))...)
	return wrap(err, "%s", what)
}

// limitArg turns the interface's limit (<= 0: no limit) into SQLite's.
func limitArg(limit int) int64 {
	if limit <= 0 {
		return -1
	}
	return int64(limit)
}
