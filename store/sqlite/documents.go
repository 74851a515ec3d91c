package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"sihub/model"
)

// PutDocument stores the registry entry and its PDF in one transaction:
// a reader sees both or neither. ErrConflict if the code, the number or the
// idempotency key is taken.
func (s *Store) PutDocument(ctx context.Context, d model.Document, pdf []byte) error {
	insert, done, err := s.documentInsert(d, pdf)
	if err != nil {
		return err
	}
	defer done()
	return s.gc.run(ctx, insert)
}

// documentInsert checks and encodes a document for PutDocument and
// PutIssued and returns the statements that insert it and its PDF in a
// transaction, and done, which the caller calls once that transaction
// has ended (it recycles the encoded PDF's memory).
func (s *Store) documentInsert(d model.Document, pdf []byte) (insert func(ctx context.Context, tx *sql.Tx) error, done func(), err error) {
	if d.Code == "" || d.Number == "" {
		return nil, nil, invalid("document without code or number")
	}
	data, err := json.Marshal(d)
	if err != nil {
		return nil, nil, fmt.Errorf("store/sqlite: document %s: encode: %w", d.Code, err)
	}
	blob, enc, done := encodePDF(pdf)
	var idem any // NULL: no key, no uniqueness
	if d.IdempotencyKey != "" {
		idem = d.IdempotencyKey
	}
	return func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.StmtContext(ctx, s.st.insertDocument).ExecContext(ctx,
			d.Code, d.Number, idem, d.Subject, nanos(d.IssuedAt), string(data)); err != nil {
			return wrap(err, "document %s (number %s)", d.Code, d.Number)
		}
		if _, err := tx.StmtContext(ctx, s.st.insertPDF).ExecContext(ctx, d.Code, blob, enc); err != nil {
			return wrap(err, "document %s: pdf", d.Code)
		}
		return nil
	}, done, nil
}

// DocumentByCode returns the registry entry with the given code.
func (s *Store) DocumentByCode(ctx context.Context, code string) (model.Document, error) {
	return getJSON[model.Document](ctx, s.st.documentByCode, "document "+code, code)
}

// DocumentByNumber returns the registry entry with the given number.
func (s *Store) DocumentByNumber(ctx context.Context, number string) (model.Document, error) {
	return getJSON[model.Document](ctx, s.st.documentByNumber, "document number "+number, number)
}

// DocumentByIdempotencyKey returns the document issued under key.
func (s *Store) DocumentByIdempotencyKey(ctx context.Context, key string) (model.Document, error) {
	return getJSON[model.Document](ctx, s.st.documentByIdempotencyKey, "document with idempotency key "+key, key)
}

// DocumentPDF returns the stored PDF of a document.
func (s *Store) DocumentPDF(ctx context.Context, code string) ([]byte, error) {
	var blob []byte
	var enc string
	err := s.st.documentPDF.QueryRowContext(ctx, code).Scan(&blob, &enc)
	if err != nil {
		return nil, wrap(err, "document %s: pdf", code)
	}
	pdf, err := decodePDF(blob, enc)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: document %s: pdf: %w", code, err)
	}
	return pdf, nil
}

// DocumentsBySubject lists a subject's documents, newest first.
func (s *Store) DocumentsBySubject(ctx context.Context, subject string) ([]model.Document, error) {
	return listJSON[model.Document](ctx, s.st.documentsBySubject, "documents of "+subject, subject)
}

// SetDocumentStatus changes status, reason and superseded-by of a document.
func (s *Store) SetDocumentStatus(ctx context.Context, code string, status model.DocumentStatus, reason, supersededBy string) error {
	res, err := s.st.setDocumentStatus.ExecContext(ctx, string(status), reason, supersededBy, code)
	if err != nil {
		return wrap(err, "document %s: set status", code)
	}
	return requireRow(res, "document %s: set status", code)
}

// requireRow turns an UPDATE or DELETE that touched no row into
// model.ErrNotFound.
func requireRow(res sql.Result, format string, args ...any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(err, format, args...)
	}
	if n == 0 {
		return wrap(sql.ErrNoRows, format, args...)
	}
	return nil
}
