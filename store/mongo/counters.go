package mongo

import (
	"context"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// maxAllocateTries bounds AllocateNumber's claim loop. Each failed claim
// means another caller holds that number; on a server with atomic $inc
// (MongoDB) the first claim succeeds, on FerretDB v1.24 a lost update costs
// one retry per number the counter fell behind.
const maxAllocateTries = 1000

type counterRecord struct {
	Series string `bson:"_id"`
	N      int64  `bson:"n"`
}

// AllocateNumber returns the next number of a series (1, 2, 3 …): it
// increments the series' counter and claims the number by inserting
// "series:n" into the numbers collection, whose unique _id guarantees that
// no two callers, in any process, get the same number even where the
// server loses concurrent counter updates.
func (s *Store) AllocateNumber(ctx context.Context, series string) (int64, error) {
	if series == "" {
		return 0, invalid("empty number series")
	}
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	inc := bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}}
	for range maxAllocateTries {
		var c counterRecord
		err := s.counters.FindOneAndUpdate(ctx, byID(series), inc, opts).Decode(&c)
		if mongodrv.IsDuplicateKeyError(err) {
			continue // two upserts created the counter at once; the other won
		}
		if err != nil {
			return 0, wrap(err, "allocate number in %s", series)
		}
		_, err = s.numbers.InsertOne(ctx, bson.D{{Key: "_id", Value: series + ":" + strconv.FormatInt(c.N, 10)}})
		if err == nil {
			return c.N, nil
		}
		if !mongodrv.IsDuplicateKeyError(err) {
			return 0, wrap(err, "allocate number in %s: claim %d", series, c.N)
		}
		if err := ctx.Err(); err != nil {
			return 0, wrap(err, "allocate number in %s", series)
		}
	}
	return 0, fmt.Errorf("store/mongo: allocate number in %s: no free number after %d tries", series, maxAllocateTries)
}
