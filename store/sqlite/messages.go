package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"sihub/model"
)

// PutMessage stores a new message; an empty ID gets a random one. A taken
// ID or DedupKey is model.ErrConflict.
func (s *Store) PutMessage(ctx context.Context, m model.Message) error {
	if m.ID == "" {
		m.ID = newID()
	}
	if m.Recipient == "" {
		return invalid("message without recipient")
	}
	var dedup any // NULL: unique constraints ignore it
	if m.DedupKey != "" {
		dedup = m.DedupKey
	}
	return s.execJSONGrouped(ctx, s.st.putMessage, "put message "+m.ID, m,
		m.ID, m.Recipient, dedup, nanos(m.CreatedAt))
}

// MessagesFor lists the messages to any of recipients, newest first (ties:
// the later stored first), at most limit (<= 0: no limit).
func (s *Store) MessagesFor(ctx context.Context, recipients []string, limit int) ([]model.Message, error) {
	if len(recipients) == 0 {
		return []model.Message{}, nil
	}
	list, err := json.Marshal(recipients)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: messages: %w", err)
	}
	return listJSON[model.Message](ctx, s.st.messagesFor, "messages", string(list), limitArg(limit))
}

// MarkMessageRead sets the message's ReadAt unless it is already set. A
// missing ID is model.ErrNotFound.
func (s *Store) MarkMessageRead(ctx context.Context, id string, at time.Time) error {
	when, err := json.Marshal(at)
	if err != nil {
		return fmt.Errorf("store/sqlite: mark message %s read: %w", id, err)
	}
	var text string
	json.Unmarshal(when, &text) // a JSON string: the same text encoding/json writes for ReadAt
	res, err := s.st.markMessageRead.ExecContext(ctx, id, text)
	if err != nil {
		return wrap(err, "mark message %s read", id)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(err, "mark message %s read", id)
	}
	if n == 0 {
		return fmt.Errorf("store/sqlite: mark message %s read: %w", id, model.ErrNotFound)
	}
	return nil
}
