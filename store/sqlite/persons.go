package sqlite

import (
	"context"

	"sihub/model"
)

// PutPerson inserts or replaces a person by ID.
func (s *Store) PutPerson(ctx context.Context, p model.Person) error {
	if p.ID == "" {
		return invalid("person without id")
	}
	return execJSON(ctx, s.st.putPerson, "put person "+p.ID, p, p.ID)
}

// Person returns the person with the given ID.
func (s *Store) Person(ctx context.Context, id string) (model.Person, error) {
	return getJSON[model.Person](ctx, s.st.person, "person "+id, id)
}

// CountPersons counts the stored persons.
func (s *Store) CountPersons(ctx context.Context) (int64, error) {
	var n int64
	err := s.st.countPersons.QueryRowContext(ctx).Scan(&n)
	return n, wrap(err, "count persons")
}

// PersonIDs returns up to limit person IDs greater than after, in order;
// limit <= 0 means no limit.
func (s *Store) PersonIDs(ctx context.Context, after string, limit int) ([]string, error) {
	rows, err := s.st.personIDs.QueryContext(ctx, after, limitArg(limit))
	if err != nil {
		return nil, wrap(err, "person ids")
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, wrap(err, "person ids")
		}
		ids = append(ids, id)
	}
	return ids, wrap(rows.Err(), "person ids")
}

// PutUnit inserts or replaces a unit by credit code.
func (s *Store) PutUnit(ctx context.Context, u model.Unit) error {
	if u.CreditCode == "" {
		return invalid("unit without credit code")
	}
	return execJSON(ctx, s.st.putUnit, "put unit "+u.CreditCode, u, u.CreditCode)
}

// Unit returns the unit with the given credit code.
func (s *Store) Unit(ctx context.Context, creditCode string) (model.Unit, error) {
	return getJSON[model.Unit](ctx, s.st.unit, "unit "+creditCode, creditCode)
}
