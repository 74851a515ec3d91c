package sqlite

import (
	"context"
	"database/sql"
)

// AllocateNumber returns the next number of a series (1, 2, 3 …) with one
// atomic upsert: SQLite's write lock serialises it against every other
// writer, in this process and in others. It is group-committed with the
// other issuing writes; the number is returned once it is durable.
func (s *Store) AllocateNumber(ctx context.Context, series string) (int64, error) {
	if series == "" {
		return 0, invalid("empty number series")
	}
	var n int64
	err := s.gc.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return wrap(tx.StmtContext(ctx, s.st.allocateNumber).QueryRowContext(ctx, series).Scan(&n),
			"allocate number in %s", series)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
