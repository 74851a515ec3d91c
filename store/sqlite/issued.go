package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"sihub/model"
)

// PutIssued stores a newly issued document, its PDF, its audit entry and
// its holder's notices in one group-committed transaction: a reader sees
// all of them or none, and the caller returns once they are durable. A
// taken code, number, idempotency key or audit ID is model.ErrConflict
// and writes nothing; a notice whose dedup key or ID is taken is left out.
func (s *Store) PutIssued(ctx context.Context, is model.Issuance) error {
	d := is.Document
	insertDocument, done, err := s.documentInsert(d, is.PDF)
	if err != nil {
		return err
	}
	defer done()
	e := is.Audit
	if e.ID == "" {
		e.ID = newID()
	}
	audit, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("store/sqlite: document %s: audit entry: encode: %w", d.Code, err)
	}
	type row struct {
		stmt *sql.Stmt
		args []any
		what string
	}
	notices := make([]row, 0, len(is.Messages)+len(is.Outbox))
	for _, m := range is.Messages {
		if m.ID == "" {
			m.ID = newID()
		}
		if m.Recipient == "" {
			return invalid("message without recipient")
		}
		data, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("store/sqlite: message %s: encode: %w", m.ID, err)
		}
		var dedup any
		if m.DedupKey != "" {
			dedup = m.DedupKey
		}
		notices = append(notices, row{s.st.putMessageOnce, []any{m.ID, m.Recipient, dedup, nanos(m.CreatedAt), string(data)}, "message " + m.ID})
	}
	for _, m := range is.Outbox {
		if m.ID == "" {
			return invalid("outbox message without id")
		}
		data, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("store/sqlite: outbox %s: encode: %w", m.ID, err)
		}
		notices = append(notices, row{s.st.putOutboxOnce, []any{m.ID, m.Status, m.Attempts, nanos(m.NextAttemptAt), string(data)}, "outbox " + m.ID})
	}
	return s.gc.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := insertDocument(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.StmtContext(ctx, s.st.insertAudit).ExecContext(ctx,
			e.ID, nanos(e.Time), e.Action, e.Object, string(audit)); err != nil {
			return wrap(err, "document %s: audit %s", d.Code, e.ID)
		}
		for _, r := range notices {
			if _, err := tx.StmtContext(ctx, r.stmt).ExecContext(ctx, r.args...); err != nil {
				return wrap(err, "document %s: %s", d.Code, r.what)
			}
		}
		return nil
	})
}
