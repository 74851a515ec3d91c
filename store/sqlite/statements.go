package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// statements are prepared once at Open: writes on the writer pool, reads on
// the reader pool.
type statements struct {
	putPerson, person, countPersons, personIDs *sql.Stmt
	putUnit, unit                              *sql.Stmt

	putInsurance, insurances                                 *sql.Stmt
	putContribution, contributionsRange, contributionsOfType *sql.Stmt
	paidStreak                                               *sql.Stmt

	insertDocument, insertPDF                                  *sql.Stmt
	documentByCode, documentByNumber, documentByIdempotencyKey *sql.Stmt
	documentPDF, documentsBySubject, setDocumentStatus         *sql.Stmt

	putSeal, seal, listSeals, updateSealIf            *sql.Stmt
	putMessage, messagesFor, markMessageRead          *sql.Stmt
	putMessageOnce, putOutboxOnce                     *sql.Stmt
	putCertificate, certificate, listCertificates     *sql.Stmt
	listCertificatesByRole                            *sql.Stmt
	insertKey, key, listKeys, deleteKey               *sql.Stmt
	putAccount, account, putAPIKey, apiKey            *sql.Stmt
	allocateNumbers                                   *sql.Stmt
	insertAudit                                       *sql.Stmt
	auditAll, auditByAction, auditByObject, auditBoth *sql.Stmt

	all []*sql.Stmt
}

func (st *statements) prepare(ctx context.Context, w, r *sql.DB) error {
	for _, p := range []struct {
		dst *(*sql.Stmt)
		db  *sql.DB
		q   string
	}{
		{&st.putPerson, w, `INSERT INTO persons (id, data) VALUES (?, ?)
			ON CONFLICT (id) DO UPDATE SET data = excluded.data`},
		{&st.person, r, `SELECT data FROM persons WHERE id = ?`},
		{&st.countPersons, r, `SELECT count(*) FROM persons`},
		{&st.personIDs, r, `SELECT id FROM persons WHERE id > ? ORDER BY id LIMIT ?`},
		{&st.putUnit, w, `INSERT INTO units (credit_code, data) VALUES (?, ?)
			ON CONFLICT (credit_code) DO UPDATE SET data = excluded.data`},
		{&st.unit, r, `SELECT data FROM units WHERE credit_code = ?`},

		{&st.putInsurance, w, `INSERT INTO insurances (person_id, type, data) VALUES (?, ?, ?)
			ON CONFLICT (person_id, type) DO UPDATE SET data = excluded.data`},
		{&st.insurances, r, `SELECT data FROM insurances WHERE person_id = ? ORDER BY type`},
		{&st.putContribution, w, `INSERT INTO contributions (person_id, month, type, data) VALUES (?, ?, ?, ?)
			ON CONFLICT (person_id, month, type) DO UPDATE SET data = excluded.data`},
		{&st.contributionsRange, r, `SELECT data FROM contributions
			WHERE person_id = ? AND month >= ? AND month <= ? ORDER BY month, type`},
		{&st.contributionsOfType, r, `SELECT data FROM contributions
			WHERE person_id = ? AND month >= ? AND month <= ? AND type = ? ORDER BY month`},

		{&st.paidStreak, r, paidStreakQuery},

		{&st.insertDocument, w, `INSERT INTO documents (code, number, idempotency_key, subject, issued_at, data)
			VALUES (?, ?, ?, ?, ?, ?)`},
		{&st.insertPDF, w, `INSERT INTO pdfs (code, data, encoding) VALUES (?, ?, ?)`},
		{&st.documentByCode, r, `SELECT data FROM documents WHERE code = ?`},
		{&st.documentByNumber, r, `SELECT data FROM documents WHERE number = ?`},
		{&st.documentByIdempotencyKey, r, `SELECT data FROM documents WHERE idempotency_key = ?`},
		{&st.documentPDF, r, `SELECT data, encoding FROM pdfs WHERE code = ?`},
		{&st.documentsBySubject, r, `SELECT data FROM documents WHERE subject = ?
			ORDER BY issued_at DESC, code`},
		{&st.setDocumentStatus, w, `UPDATE documents SET data = json_set(data,
			'$.status', ?, '$.status_reason', ?, '$.superseded_by', ?) WHERE code = ?`},

		{&st.putSeal, w, `INSERT INTO seals (id, data) VALUES (?, ?)
			ON CONFLICT (id) DO UPDATE SET data = excluded.data`},
		{&st.seal, r, `SELECT data FROM seals WHERE id = ?`},
		{&st.listSeals, r, `SELECT data FROM seals ORDER BY id`},
		{&st.updateSealIf, w, `UPDATE seals SET data = ?3
			WHERE id = ?1 AND json_extract(data, '$.status') = ?2`},
		{&st.putMessage, w, `INSERT INTO messages (id, recipient, dedup_key, created_at, data)
			VALUES (?, ?, ?, ?, ?)`},
		{&st.putMessageOnce, w, `INSERT INTO messages (id, recipient, dedup_key, created_at, data)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`},
		{&st.putOutboxOnce, w, `INSERT INTO outbox (id, status, attempts, next_attempt, data)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`},
		{&st.messagesFor, r, `SELECT data FROM messages
			WHERE recipient IN (SELECT value FROM json_each(?))
			ORDER BY created_at DESC, seq DESC LIMIT ?`},
		{&st.markMessageRead, w, `UPDATE messages SET data = CASE
			WHEN json_extract(data, '$.read_at') IS NULL THEN json_set(data, '$.read_at', ?2)
			ELSE data END WHERE id = ?1`},
		{&st.putCertificate, w, `INSERT INTO certificates (serial, role, not_before, data) VALUES (?, ?, ?, ?)
			ON CONFLICT (serial) DO UPDATE SET role = excluded.role,
				not_before = excluded.not_before, data = excluded.data`},
		{&st.certificate, r, `SELECT data FROM certificates WHERE serial = ?`},
		{&st.listCertificates, r, `SELECT data FROM certificates ORDER BY not_before, serial`},
		{&st.listCertificatesByRole, r, `SELECT data FROM certificates WHERE role = ?
			ORDER BY not_before, serial`},
		{&st.insertKey, w, `INSERT INTO key_blobs (id, data) VALUES (?, ?)`},
		{&st.key, r, `SELECT data FROM key_blobs WHERE id = ?`},
		{&st.listKeys, r, `SELECT data FROM key_blobs ORDER BY id`},
		{&st.deleteKey, w, `DELETE FROM key_blobs WHERE id = ?`},
		{&st.putAccount, w, `INSERT INTO accounts (login, password_hash, data) VALUES (?, ?, ?)
			ON CONFLICT (login) DO UPDATE SET password_hash = excluded.password_hash, data = excluded.data`},
		{&st.account, r, `SELECT password_hash, data FROM accounts WHERE login = ?`},
		{&st.putAPIKey, w, `INSERT INTO api_keys (id, secret_hash, data) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET secret_hash = excluded.secret_hash, data = excluded.data`},
		{&st.apiKey, r, `SELECT secret_hash, data FROM api_keys WHERE id = ?`},

		{&st.allocateNumbers, w, `INSERT INTO counters (series, value) VALUES (?1, ?2)
			ON CONFLICT (series) DO UPDATE SET value = value + ?2 RETURNING value`},

		{&st.insertAudit, w, `INSERT INTO audit (id, time, action, object, data) VALUES (?, ?, ?, ?, ?)`},
		{&st.auditAll, r, `SELECT data FROM audit WHERE time >= ?
			ORDER BY time, seq LIMIT ?`},
		{&st.auditByAction, r, `SELECT data FROM audit WHERE time >= ? AND action = ?
			ORDER BY time, seq LIMIT ?`},
		{&st.auditByObject, r, `SELECT data FROM audit WHERE time >= ? AND object = ?
			ORDER BY time, seq LIMIT ?`},
		{&st.auditBoth, r, `SELECT data FROM audit WHERE time >= ? AND action = ? AND object = ?
			ORDER BY time, seq LIMIT ?`},
	} {
		stmt, err := p.db.PrepareContext(ctx, p.q)
		if err != nil {
			return fmt.Errorf("store/sqlite: prepare %q: %w", p.q, err)
		}
		*p.dst = stmt
		st.all = append(st.all, stmt)
	}
	return nil
}

func (st *statements) close() error {
	var errs []error
	for _, s := range st.all {
		errs = append(errs, s.Close())
	}
	st.all = nil
	return errors.Join(errs...)
}
