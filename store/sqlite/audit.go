package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"sihub/model"
)

// AppendAudit appends an entry. An entry without ID gets a random one; an
// ID already present is model.ErrConflict (the trail is append-only).
func (s *Store) AppendAudit(ctx context.Context, e model.AuditEntry) error {
	if e.ID == "" {
		e.ID = newID()
	}
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("store/sqlite: append audit %s: encode: %w", e.ID, err)
	}
	return s.gc.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.StmtContext(ctx, s.st.insertAudit).ExecContext(ctx,
			e.ID, nanos(e.Time), e.Action, e.Object, string(data))
		return wrap(err, "append audit %s", e.ID)
	})
}

// AuditEntries lists entries with Time >= since, filtered by action ("" for
// all) and object ("" for all), oldest first (ties in insertion order), at
// most limit (<= 0: no limit).
func (s *Store) AuditEntries(ctx context.Context, since time.Time, action, object string, limit int) ([]model.AuditEntry, error) {
	from, n := nanos(since), limitArg(limit)
	switch {
	case action == "" && object == "":
		return listJSON[model.AuditEntry](ctx, s.st.auditAll, "audit entries", from, n)
	case object == "":
		return listJSON[model.AuditEntry](ctx, s.st.auditByAction, "audit entries", from, action, n)
	case action == "":
		return listJSON[model.AuditEntry](ctx, s.st.auditByObject, "audit entries", from, object, n)
	default:
		return listJSON[model.AuditEntry](ctx, s.st.auditBoth, "audit entries", from, action, object, n)
	}
}

// newID is 128 random bits in hex.
func newID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}
