package mongo

import (
	"context"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// maxAllocateTries bounds AllocateNumber's claim loop. On a server with
// atomic $inc (MongoDB) the first claim succeeds; where the counter fell
// behind the claims (FerretDB v1.24 loses concurrent $inc), each claimed
// number above the counter costs one more try.
const maxAllocateTries = 10000

type counterRecord struct {
	Series string `bson:"_id"`
	N      int64  `bson:"n"`
}

// AllocateNumber returns the next number of a series (1, 2, 3 …).
//
// The claims are the truth, the counter a hint: it increments the series'
// counter ($inc, upsert), then claims the number by inserting "series:n"
// into the numbers collection, whose unique _id guarantees that no two
// callers, in any process, get the same number. If n is taken (the counter
// lost an update), it claims n+1, n+2 … directly, then raises the counter
// to the number it got ($max), so that later callers start from there.
func (s *Store) AllocateNumber(ctx context.Context, series string) (int64, error) {
	if series == "" {
		return 0, invalid("empty number series")
	}
	n, err := s.bumpCounter(ctx, series)
	if err != nil {
		return 0, err
	}
	for try := 0; try < maxAllocateTries; try, n = try+1, n+1 {
		_, err := s.numbers.InsertOne(ctx, bson.D{{Key: "_id", Value: series + ":" + strconv.FormatInt(n, 10)}})
		if err == nil {
			if try > 0 {
				// Best effort: a lost or failed $max only costs a later
				// caller a few tries.
				s.counters.UpdateOne(ctx, byID(series),
					bson.D{{Key: "$max", Value: bson.D{{Key: "n", Value: n}}}})
			}
			return n, nil
		}
		if !mongodrv.IsDuplicateKeyError(err) {
			return 0, wrap(err, "allocate number in %s: claim %d", series, n)
		}
		if err := ctx.Err(); err != nil {
			return 0, wrap(err, "allocate number in %s", series)
		}
	}
	return 0, fmt.Errorf("store/mongo: allocate number in %s: no free number after %d tries", series, maxAllocateTries)
}

// bumpCounter increments the series' counter, creating it at 1.
func (s *Store) bumpCounter(ctx context.Context, series string) (int64, error) {
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	inc := bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}}
	var err error
	for range 3 {
		var c counterRecord
		err = s.counters.FindOneAndUpdate(ctx, byID(series), inc, opts).Decode(&c)
		if err == nil {
			return c.N, nil
		}
		if !mongodrv.IsDuplicateKeyError(err) {
			break
		}
		// Two upserts created the counter at once and the other won: the
		// counter exists now, so the next $inc finds it.
	}
	return 0, wrap(err, "allocate number in %s", series)
}
