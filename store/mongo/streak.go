package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// maxStreak bounds the walk: a hundred years.
const maxStreak = 1200

// PaidStreak counts the months going back from last without a gap in
// which the person paid one of types at unitCode, at most limit. It reads
// the month, paid flag and unit of the rows in the limit months before
// last, nothing else of them.
func (s *Store) PaidStreak(ctx context.Context, personID, unitCode string, types []string, last string, limit int) (int, error) {
	end, err := time.Parse("2006-01", last)
	if err != nil || len(last) != 7 {
		return 0, invalid(fmt.Sprintf("paid streak from month %q", last))
	}
	if limit <= 0 || len(types) == 0 {
		return 0, nil
	}
	limit = min(limit, maxStreak)
	from := end.AddDate(0, -(limit - 1), 0).Format("2006-01")
	filter := bson.D{
		{Key: "person_id", Value: personID},
		{Key: "type", Value: bson.D{{Key: "$in", Value: types}}},
		{Key: "month", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lte", Value: last}}},
		{Key: "paid", Value: true},
		{Key: "unit_code", Value: unitCode},
	}
	type row struct {
		Month string `bson:"month"`
	}
	rows, err := findAll[row](ctx, s.contributions, filter,
		options.Find().SetProjection(bson.D{{Key: "month", Value: 1}, {Key: "_id", Value: 0}}),
		"paid streak of "+personID)
	if err != nil {
		return 0, err
	}
	paid := make(map[string]bool, len(rows))
	for _, r := range rows {
		paid[r.Month] = true
	}
	n := 0
	for m := end; n < limit && paid[m.Format("2006-01")]; m = m.AddDate(0, -1, 0) {
		n++
	}
	return n, nil
}
