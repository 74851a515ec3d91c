package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"sihub/model"
)

// PutSeal inserts or replaces a seal by ID.
func (s *Store) PutSeal(ctx context.Context, se model.Seal) error {
	if se.ID == "" {
		return invalid("seal without id")
	}
	return execJSON(ctx, s.st.putSeal, "put seal "+se.ID, se, se.ID)
}

// Seal returns the seal with the given ID.
func (s *Store) Seal(ctx context.Context, id string) (model.Seal, error) {
	return getJSON[model.Seal](ctx, s.st.seal, "seal "+id, id)
}

// ListSeals lists every seal ordered by ID.
func (s *Store) ListSeals(ctx context.Context) ([]model.Seal, error) {
	return listJSON[model.Seal](ctx, s.st.listSeals, "list seals")
}

// PutCertificate inserts or replaces a certificate by serial.
func (s *Store) PutCertificate(ctx context.Context, c model.Certificate) error {
	if c.Serial == "" {
		return invalid("certificate without serial")
	}
	return execJSON(ctx, s.st.putCertificate, "put certificate "+c.Serial, c,
		c.Serial, c.Role, nanos(c.NotBefore))
}

// Certificate returns the certificate with the given serial.
func (s *Store) Certificate(ctx context.Context, serial string) (model.Certificate, error) {
	return getJSON[model.Certificate](ctx, s.st.certificate, "certificate "+serial, serial)
}

// ListCertificates lists certificates of a role ("" for all), oldest
// (earliest NotBefore) first, ties by serial.
func (s *Store) ListCertificates(ctx context.Context, role string) ([]model.Certificate, error) {
	if role == "" {
		return listJSON[model.Certificate](ctx, s.st.listCertificates, "list certificates")
	}
	return listJSON[model.Certificate](ctx, s.st.listCertificatesByRole, "list "+role+" certificates", role)
}

// UpdateSeal replaces the seal only if its stored status is fromStatus: one
// UPDATE on the single writer connection, so the check and the write are
// atomic. A missing seal is model.ErrNotFound, another status
// model.ErrConflict.
func (s *Store) UpdateSeal(ctx context.Context, se model.Seal, fromStatus string) error {
	if se.ID == "" {
		return invalid("seal without id")
	}
	data, err := json.Marshal(se)
	if err != nil {
		return fmt.Errorf("store/sqlite: update seal %s: encode: %w", se.ID, err)
	}
	res, err := s.st.updateSealIf.ExecContext(ctx, se.ID, fromStatus, string(data))
	if err != nil {
		return wrap(err, "update seal %s", se.ID)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrap(err, "update seal %s", se.ID)
	} else if n == 1 {
		return nil
	}
	cur, err := s.Seal(ctx, se.ID)
	if err != nil {
		return err
	}
	return fmt.Errorf("store/sqlite: update seal %s: status is %q, not %q: %w", se.ID, cur.Status, fromStatus, model.ErrConflict)
}
