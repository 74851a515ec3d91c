package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"sihub/model"
)

// PutInsurance inserts or replaces the enrolment keyed by (PersonID, Type).
func (s *Store) PutInsurance(ctx context.Context, in model.Insurance) error {
	if in.PersonID == "" || in.Type == "" {
		return invalid("insurance without person id or type")
	}
	return execJSON(ctx, s.st.putInsurance, "put insurance "+in.PersonID+"/"+in.Type, in, in.PersonID, in.Type)
}

// Insurances lists a person's enrolments ordered by type.
func (s *Store) Insurances(ctx context.Context, personID string) ([]model.Insurance, error) {
	return listJSON[model.Insurance](ctx, s.st.insurances, "insurances of "+personID, personID)
}

// PutContributions inserts or replaces the months keyed by (PersonID,
// Month, Type), all in one transaction with their paid_months rows.
func (s *Store) PutContributions(ctx context.Context, cs []model.Contribution) error {
	if len(cs) == 0 {
		return nil
	}
	rows := make([][]byte, len(cs))
	for i, c := range cs {
		if c.PersonID == "" || c.Month == "" || c.Type == "" {
			return invalid("contribution without person id, month or type")
		}
		data, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("store/sqlite: put contributions: encode: %w", err)
		}
		rows[i] = data
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrap(err, "put contributions")
	}
	defer tx.Rollback()
	stmt := tx.StmtContext(ctx, s.st.putContribution)
	for i, c := range cs {
		if _, err := stmt.ExecContext(ctx, c.PersonID, c.Month, c.Type, string(rows[i])); err != nil {
			return wrap(err, "put contribution %s/%s/%s", c.PersonID, c.Month, c.Type)
		}
	}
	if err := writePaidMonths(ctx, tx, sortedContributions(cs)); err != nil {
		return err
	}
	return wrap(tx.Commit(), "put contributions")
}

// ContributionsBetween lists a person's contributions with from <= Month <=
// to, ordered by month then type.
func (s *Store) ContributionsBetween(ctx context.Context, personID, from, to string) ([]model.Contribution, error) {
	return listContributions(ctx, s.st.contributionsRange,
		"contributions of "+personID, personID, from, to)
}

// ContributionsOfType lists a person's contributions of one insurance type
// with from <= Month <= to, ordered by month.
func (s *Store) ContributionsOfType(ctx context.Context, personID, typ, from, to string) ([]model.Contribution, error) {
	return listContributions(ctx, s.st.contributionsOfType,
		"contributions of "+personID+"/"+typ, personID, from, to, typ)
}
