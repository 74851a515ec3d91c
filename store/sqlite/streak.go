package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// paidStreakQuery concatenates, newest first from ?2, the months in which
// the person has a paid contribution of one of the types (a JSON array,
// ?3) at the unit ?4, at most ?5 rows: a backward range scan of the
// primary key whose result crosses into Go as one string, which
// PaidStreak reads up to the first gap. (Stepping month by month in a
// recursive query, or reading the months row by row, cost 1.3 to 1.6
// times the CPU.)
const paidStreakQuery = `SELECT coalesce(group_concat(month, ''), '') FROM (SELECT month FROM contributions
	WHERE person_id = ?1 AND month <= ?2 AND type IN (SELECT value FROM json_each(?3))
	AND json_extract(data, '$.paid') = 1 AND json_extract(data, '$.unit_code') = ?4
	ORDER BY month DESC LIMIT ?5)`

// maxStreak bounds the walk (and the query's time): a hundred years.
const maxStreak = 1200

// PaidStreak counts the months going back from last without a gap in
// which the person paid one of types at unitCode, at most limit.
func (s *Store) PaidStreak(ctx context.Context, personID, unitCode string, types []string, last string, limit int) (int, error) {
	if _, err := time.Parse("2006-01", last); err != nil || len(last) != 7 {
		return 0, invalid(fmt.Sprintf("paid streak from month %q", last))
	}
	if limit <= 0 || len(types) == 0 {
		return 0, nil
	}
	limit = min(limit, maxStreak)
	list, err := json.Marshal(types)
	if err != nil {
		return 0, fmt.Errorf("store/sqlite: paid streak: %w", err)
	}
	// Each month may come once per type: at most len(types) rows each.
	var months string
	err = s.st.paidStreak.QueryRowContext(ctx, personID, last, string(list), unitCode, limit*len(types)).Scan(&months)
	if err != nil {
		return 0, wrap(err, "paid streak of %s", personID)
	}
	want, _ := time.Parse("2006-01", last)
	expect := last // the month that continues the streak
	counted := ""  // the month counted last (another type's row repeats it)
	n := 0
	for ; n < limit && len(months) >= 7; months = months[7:] {
		m := months[:7]
		if m == counted {
			continue
		}
		if m != expect {
			break // a gap
		}
		n++
		counted = m
		want = want.AddDate(0, -1, 0)
		expect = want.Format("2006-01")
	}
	return n, nil
}
