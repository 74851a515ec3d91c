package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// PersonIDsInRegion returns up to limit IDs greater than after of the
// persons whose region starts with regionPrefix, in order; limit <= 0
// means no limit. The prefix is a range on region (prefix <= region <
// prefix+U+FFFF), which needs no regular expression support.
func (s *Store) PersonIDsInRegion(ctx context.Context, regionPrefix, after string, limit int) ([]string, error) {
	opts := options.Find().
		SetSort(bson.D{{Key: "_id", Value: 1}}).
		SetProjection(bson.D{{Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	type idOnly struct {
		ID string `bson:"_id"`
	}
	filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}}
	if regionPrefix != "" {
		filter = append(filter, bson.E{Key: "region", Value: bson.D{{Key: "$gte", Value: regionPrefix}, {Key: "$lt", Value: regionPrefix + "\uffff"}}})
	}
	docs, err := findAll[idOnly](ctx, s.persons, filter, opts, "person ids in region "+regionPrefix)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}
