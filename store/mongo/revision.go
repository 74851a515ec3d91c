package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"

	"sihub/model"
)

// replaceAtRev replaces the record id of col, read at revision rev, with
// doc (which carries a new revision) if this caller wins the claim on
// that revision: only one caller inserts the _id claim into claims, so of
// two callers changing one revision one wins, also on servers whose
// conditional updates race. Losing the claim, or finding the record
// replaced meanwhile, is model.ErrConflict.
func replaceAtRev(ctx context.Context, col, claims *mongodrv.Collection, claim, id, rev string, doc any, what string) error {
	if _, err := claims.InsertOne(ctx, bson.D{{Key: "_id", Value: claim}}); err != nil {
		if mongodrv.IsDuplicateKeyError(err) {
			return fmt.Errorf("store/mongo: %s: changed by another caller: %w", what, model.ErrConflict)
		}
		return wrap(err, "%s: claim", what)
	}
	res, err := col.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "rev", Value: rev}}, doc)
	if err != nil {
		return wrap(err, "%s", what)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("store/mongo: %s: replaced meanwhile: %w", what, model.ErrConflict)
	}
	return nil
}
