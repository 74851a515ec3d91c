package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"sihub/model"
)

// The records behind the documents beyond certificates and statements:
// applications (receipts, result notices), benefit payments, and a unit's
// staff and arrears. They are read rarely, so their statements are not
// prepared at Open.

// PutApplication inserts or replaces an application by ID.
func (s *Store) PutApplication(ctx context.Context, a model.Application) error {
	if a.ID == "" {
		return invalid("application without id")
	}
	data, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("store/sqlite: put application: encode: %w", err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO applications (id, data) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data`, a.ID, string(data))
	return wrap(err, "put application %s", a.ID)
}

// Application returns an application by ID.
func (s *Store) Application(ctx context.Context, id string) (model.Application, error) {
	var a model.Application
	var data []byte
	if err := s.r.QueryRowContext(ctx, `SELECT data FROM applications WHERE id = ?`, id).Scan(&data); err != nil {
		return a, wrap(err, "application %s", id)
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return a, fmt.Errorf("store/sqlite: application %s: decode: %w", id, err)
	}
	return a, nil
}

// PutBenefitPayments inserts or replaces payments keyed by (PersonID,
// Month, Item), all in one transaction.
func (s *Store) PutBenefitPayments(ctx context.Context, ps []model.BenefitPayment) error {
	if len(ps) == 0 {
		return nil
	}
	rows := make([]string, len(ps))
	for i, p := range ps {
		if p.PersonID == "" || p.Month == "" || p.Item == "" {
			return invalid("benefit payment without person id, month or item")
		}
		data, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("store/sqlite: put benefit payments: encode: %w", err)
		}
		rows[i] = string(data)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrap(err, "put benefit payments")
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO benefit_payments (person_id, month, item, data) VALUES (?, ?, ?, ?)
		ON CONFLICT (person_id, month, item) DO UPDATE SET data = excluded.data`)
	if err != nil {
		return wrap(err, "put benefit payments")
	}
	defer stmt.Close()
	for i, p := range ps {
		if _, err := stmt.ExecContext(ctx, p.PersonID, p.Month, p.Item, rows[i]); err != nil {
			return wrap(err, "put benefit payment %s/%s/%s", p.PersonID, p.Month, p.Item)
		}
	}
	return wrap(tx.Commit(), "put benefit payments")
}

// BenefitPayments lists a person's payments with from <= Month <= to,
// ordered by month then item.
func (s *Store) BenefitPayments(ctx context.Context, personID, from, to string) ([]model.BenefitPayment, error) {
	return queryJSON[model.BenefitPayment](ctx, s.r, "benefit payments of "+personID,
		`SELECT data FROM benefit_payments WHERE person_id = ? AND month >= ? AND month <= ? ORDER BY month, item`,
		personID, from, to)
}

// InsurancesOfUnit lists the enrolments whose UnitCode is the unit,
// ordered by person then type.
func (s *Store) InsurancesOfUnit(ctx context.Context, unitCode string) ([]model.Insurance, error) {
	return queryJSON[model.Insurance](ctx, s.r, "insurances of unit "+unitCode,
		`SELECT data FROM insurances WHERE json_extract(data, '$.unit_code') = ? ORDER BY person_id, type`, unitCode)
}

// UnpaidContributionsOfUnit lists the unit's unpaid contributions with
// from <= Month <= to, ordered by month, person, type.
func (s *Store) UnpaidContributionsOfUnit(ctx context.Context, unitCode, from, to string) ([]model.Contribution, error) {
	return queryJSON[model.Contribution](ctx, s.r, "unpaid contributions of unit "+unitCode,
		`SELECT data FROM contributions
		WHERE json_extract(data, '$.unit_code') = ? AND month >= ? AND month <= ? AND json_extract(data, '$.paid') = 0
		ORDER BY month, person_id, type`, unitCode, from, to)
}

// queryJSON runs an unprepared query and decodes each row's JSON column.
func queryJSON[T any](ctx context.Context, db *sql.DB, what, q string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
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
	return out, wrap(rows.Err(), "%s", what)
}
