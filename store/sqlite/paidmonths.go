package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"

	"sihub/model"
)

// paid_months (schema step 6) holds, for every paid contribution, its
// key and unit; PaidStreak reads it. The two writers of contributions,
// PutContributions and PutRecords, call writePaidMonths in the same
// transaction as the contribution rows, so a reader never sees one
// without the other.

// paidMonthsPerStatement is how many rows one multi-row statement of
// writePaidMonths carries.
const paidMonthsPerStatement = 64

// writePaidMonths brings paid_months in step with cs, just written to
// contributions in tx: a paid month is put (with its unit), an unpaid one
// taken out. cs must be ordered by key (person, month, type), a key given
// twice adjacent; the last of them counts, as in contributions. The rows
// go in in paid_months' own key order (person, type, month), so a bulk
// load appends to the table's B-tree instead of splitting its pages.
func writePaidMonths(ctx context.Context, tx *sql.Tx, cs []model.Contribution) error {
	paid := make([]int, 0, len(cs))
	var del []any
	for i, c := range cs {
		if i+1 < len(cs) && sameContributionKey(c, cs[i+1]) {
			continue // overwritten by the next row
		}
		if c.Paid {
			paid = append(paid, i)
		} else {
			del = append(del, c.PersonID, c.Type, c.Month)
		}
	}
	slices.SortFunc(paid, func(i, j int) int {
		a, b := &cs[i], &cs[j]
		return cmp.Or(strings.Compare(a.PersonID, b.PersonID), strings.Compare(a.Type, b.Type), strings.Compare(a.Month, b.Month))
	})
	put := make([]any, 0, 4*len(paid))
	for _, i := range paid {
		c := &cs[i]
		put = append(put, c.PersonID, c.Type, c.Month, c.UnitCode)
	}
	if err := execRows(ctx, tx, put, 4, paidMonthsPut); err != nil {
		return wrap(err, "paid months")
	}
	return wrap(execRows(ctx, tx, del, 3, paidMonthsDelete), "paid months")
}

func sameContributionKey(a, b model.Contribution) bool {
	return a.PersonID == b.PersonID && a.Month == b.Month && a.Type == b.Type
}

// execRows runs query(n) over args, width values per row, at most
// paidMonthsPerStatement rows a statement; the full-size statement is
// prepared once.
func execRows(ctx context.Context, tx *sql.Tx, args []any, width int, query func(n int) string) error {
	var full *sql.Stmt
	step := paidMonthsPerStatement * width
	for start := 0; start < len(args); start += step {
		end := min(start+step, len(args))
		var err error
		if end-start == step {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, query(paidMonthsPerStatement)); err != nil {
					return err
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args[start:end]...)
		} else {
			_, err = tx.ExecContext(ctx, query((end-start)/width), args[start:end]...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// paidMonthsPut inserts or updates n rows of paid_months.
func paidMonthsPut(n int) string {
	return `INSERT INTO paid_months (person_id, type, month, unit_code) VALUES ` + valueRows(n, "(?, ?, ?, ?)") +
		` ON CONFLICT (person_id, type, month) DO UPDATE SET unit_code = excluded.unit_code`
}

// paidMonthsDelete deletes n rows of paid_months by key.
func paidMonthsDelete(n int) string {
	return `DELETE FROM paid_months WHERE (person_id, type, month) IN (VALUES ` + valueRows(n, "(?, ?, ?)") + `)`
}

func valueRows(n int, row string) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return b.String()
}
