package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"sihub/model"
)

// PutOutbox stores a new outbox message. A taken ID is model.ErrConflict.
func (s *Store) PutOutbox(ctx context.Context, m model.OutboxMessage) error {
	if m.ID == "" {
		return invalid("outbox message without id")
	}
	data, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("store/sqlite: put outbox %s: encode: %w", m.ID, err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO outbox (id, status, attempts, next_attempt, data) VALUES (?, ?, ?, ?, ?)`,
		m.ID, m.Status, m.Attempts, nanos(m.NextAttemptAt), string(data))
	return wrap(err, "put outbox %s", m.ID)
}

// OutboxMessage reads one outbox message; model.ErrNotFound when missing.
func (s *Store) OutboxMessage(ctx context.Context, id string) (model.OutboxMessage, error) {
	list, err := queryJSON[model.OutboxMessage](ctx, s.r, "outbox "+id, `SELECT data FROM outbox WHERE id = ?`, id)
	if err != nil {
		return model.OutboxMessage{}, err
	}
	if len(list) == 0 {
		return model.OutboxMessage{}, wrap(sql.ErrNoRows, "outbox %s", id)
	}
	return list[0], nil
}

// DueOutbox lists pending messages due at now, earliest first (ties by
// ID), at most limit (<= 0: no limit).
func (s *Store) DueOutbox(ctx context.Context, now time.Time, limit int) ([]model.OutboxMessage, error) {
	return queryJSON[model.OutboxMessage](ctx, s.r, "due outbox",
		`SELECT data FROM outbox WHERE status = ? AND next_attempt <= ?
		ORDER BY next_attempt, id LIMIT ?`, model.OutboxPending, nanos(now), limitArg(limit))
}

// UpdateOutbox replaces m.ID if it is pending with fromAttempts attempts:
// model.ErrNotFound when missing, model.ErrConflict in any other state.
func (s *Store) UpdateOutbox(ctx context.Context, m model.OutboxMessage, fromAttempts int) error {
	if m.ID == "" {
		return invalid("outbox message without id")
	}
	data, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("store/sqlite: update outbox %s: encode: %w", m.ID, err)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE outbox SET status = ?, attempts = ?, next_attempt = ?, data = ?
		WHERE id = ? AND status = ? AND attempts = ?`,
		m.Status, m.Attempts, nanos(m.NextAttemptAt), string(data), m.ID, model.OutboxPending, fromAttempts)
	if err != nil {
		return wrap(err, "update outbox %s", m.ID)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return wrap(err, "update outbox %s", m.ID)
	}
	if _, err := s.OutboxMessage(ctx, m.ID); err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return err
		}
		return fmt.Errorf("store/sqlite: update outbox %s: %w", m.ID, err)
	}
	return fmt.Errorf("store/sqlite: update outbox %s: %w: not pending with %d attempts", m.ID, model.ErrConflict, fromAttempts)
}
