package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"sihub/model"
)

// PutRecords inserts or replaces every record of r in one transaction.
// Every record is checked and encoded before the transaction begins, so a
// record without its key writes nothing.
func (s *Store) PutRecords(ctx context.Context, r model.RecordBatch) error {
	if what := r.MissingKey(); what != "" {
		return invalid(what)
	}
	type row struct {
		query string
		args  []any
	}
	rows := make([]row, 0, len(r.Units)+len(r.Persons)+len(r.Insurances)+len(r.Applications))
	add := func(query string, v any, what string, keys ...any) error {
		data, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("store/sqlite: put records: encode %s: %w", what, err)
		}
		rows = append(rows, row{query, append(keys, string(data))})
		return nil
	}
	for _, u := range r.Units {
		if err := add(bulkPutUnit, u, "unit", u.CreditCode); err != nil {
			return err
		}
	}
	for _, p := range r.Persons {
		if err := add(bulkPutPerson, p, "person", p.ID); err != nil {
			return err
		}
	}
	for _, in := range r.Insurances {
		if err := add(bulkPutInsurance, in, "insurance", in.PersonID, in.Type); err != nil {
			return err
		}
	}
	for _, a := range r.Applications {
		if err := add(bulkPutApplication, a, "application", a.ID); err != nil {
			return err
		}
	}
	// In key order, each row lands beside the one before it in the
	// table's B-tree.
	cs := sortedContributions(r.Contributions)
	contributions, err := encodeContributions(cs)
	if err != nil {
		return err
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return wrap(err, "put records")
	}
	defer conn.Close()
	// Multi-row upserts keep a statement journal; in memory it is not
	// written to a temporary file page by page (more than half of a bulk
	// load's writes). The connection's setting is restored after.
	var tempStore int
	if err := conn.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&tempStore); err != nil {
		return wrap(err, "put records")
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
		return wrap(err, "put records")
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA temp_store = %d", tempStore))
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return wrap(err, "put records")
	}
	defer tx.Rollback()
	stmts := map[string]*sql.Stmt{}
	for _, rw := range rows {
		st, ok := stmts[rw.query]
		if !ok {
			if st, err = tx.PrepareContext(ctx, rw.query); err != nil {
				return wrap(err, "put records")
			}
			defer st.Close()
			stmts[rw.query] = st
		}
		if _, err := st.ExecContext(ctx, rw.args...); err != nil {
			return wrap(err, "put records")
		}
	}
	if err := s.insertContributions(ctx, tx, cs, contributions); err != nil {
		return err
	}
	if err := writePaidMonths(ctx, tx, cs); err != nil {
		return err
	}
	return wrap(tx.Commit(), "put records")
}

// The statements PutRecords prepares in its transaction: the same
// inserts-or-replaces as PutUnit, PutPerson, PutInsurance and
// PutApplication.
const (
	bulkPutUnit = `INSERT INTO units (credit_code, data) VALUES (?, ?)
		ON CONFLICT (credit_code) DO UPDATE SET data = excluded.data`
	bulkPutPerson = `INSERT INTO persons (id, data) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data`
	bulkPutInsurance = `INSERT INTO insurances (person_id, type, data) VALUES (?, ?, ?)
		ON CONFLICT (person_id, type) DO UPDATE SET data = excluded.data`
	bulkPutApplication = `INSERT INTO applications (id, data) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data`
)

// contributionsPerInsert is how many rows one multi-row INSERT of
// contributions carries (four parameters each).
const contributionsPerInsert = 64

// contributionJSONSize is about the length of one contribution's JSON
// (about 170 bytes with 18-character IDs), to size the batch's buffer
// once instead of growing it row by row.
const contributionJSONSize = 192

// encodeContributions encodes the rows of cs (their keys checked) into one string
// (one allocation for the whole batch), returning each row's JSON as a
// substring of it.
func encodeContributions(cs []model.Contribution) ([]string, error) {
	buf := make([]byte, 0, len(cs)*contributionJSONSize)
	ends := make([]int, len(cs))
	for i, c := range cs {
		var err error
		if buf, err = appendContributionJSON(buf, c); err != nil {
			return nil, fmt.Errorf("store/sqlite: put records: encode contribution: %w", err)
		}
		ends[i] = len(buf)
	}
	all := string(buf)
	out := make([]string, len(cs))
	start := 0
	for i, end := range ends {
		out[i] = all[start:end]
		start = end
	}
	return out, nil
}

// insertContributions writes cs (encoded as data) in multi-row INSERTs of
// contributionsPerInsert rows, the rest in one shorter INSERT. A key
// given twice keeps its last row, as repeated PutContributions would.
func (s *Store) insertContributions(ctx context.Context, tx *sql.Tx, cs []model.Contribution, data []string) error {
	var full *sql.Stmt
	args := make([]any, 0, 4*contributionsPerInsert)
	for start := 0; start < len(cs); start += contributionsPerInsert {
		end := min(start+contributionsPerInsert, len(cs))
		args = args[:0]
		for i := start; i < end; i++ {
			args = append(args, cs[i].PersonID, cs[i].Month, cs[i].Type, data[i])
		}
		var err error
		if end-start == contributionsPerInsert {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, contributionInsert(contributionsPerInsert)); err != nil {
					return wrap(err, "put records")
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, contributionInsert(end-start), args...)
		}
		if err != nil {
			return wrap(err, "put records: contributions")
		}
	}
	return nil
}

// contributionInsert is an INSERT of n contribution rows.
func contributionInsert(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO contributions (person_id, month, type, data) VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?, ?, ?, ?)")
	}
	b.WriteString(" ON CONFLICT (person_id, month, type) DO UPDATE SET data = excluded.data")
	return b.String()
}

// sortedContributions is a copy of cs ordered by key (person, month,
// type); rows of the same key keep their order.
func sortedContributions(cs []model.Contribution) []model.Contribution {
	cs = slices.Clone(cs)
	slices.SortStableFunc(cs, func(a, b model.Contribution) int {
		return cmp.Or(strings.Compare(a.PersonID, b.PersonID), strings.Compare(a.Month, b.Month), strings.Compare(a.Type, b.Type))
	})
	return cs
}
