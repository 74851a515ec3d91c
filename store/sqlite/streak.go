package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// paidStreakQuery walks back month by month from ?2 while the month has a
// paid contribution of one of the types (a JSON array, ?3) at the unit ?4,
// each step one primary-key lookup, for at most ?5 months; the deepest
// step is the count. No row is decoded outside SQLite.
const paidStreakQuery = `WITH RECURSIVE back(m, n) AS (
	SELECT ?2, 0
	UNION ALL
	SELECT strftime('%Y-%m', m || '-01', '-1 month'), n + 1 FROM back
	WHERE n < ?5 AND EXISTS (SELECT 1 FROM contributions c
		WHERE c.person_id = ?1 AND c.month = back.m
		AND c.type IN (SELECT value FROM json_each(?3))
		AND json_extract(c.data, '$.paid') = 1
		AND json_extract(c.data, '$.unit_code') = ?4)
)
SELECT max(n) FROM back`

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
	var n int
	err = s.st.paidStreak.QueryRowContext(ctx, personID, last, string(list), unitCode, limit).Scan(&n)
	if err != nil {
		return 0, wrap(err, "paid streak of %s", personID)
	}
	return n, nil
}
