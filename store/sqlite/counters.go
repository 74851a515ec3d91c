package sqlite

import "context"

// AllocateNumber returns the next number of a series (1, 2, 3 …) with one
// atomic upsert: SQLite's write lock serialises it against every other
// writer, in this process and in others.
func (s *Store) AllocateNumber(ctx context.Context, series string) (int64, error) {
	if series == "" {
		return 0, invalid("empty number series")
	}
	var n int64
	if err := s.st.allocateNumber.QueryRowContext(ctx, series).Scan(&n); err != nil {
		return 0, wrap(err, "allocate number in %s", series)
	}
	return n, nil
}
