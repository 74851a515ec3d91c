package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"

	"sihub/model"
)

// sealRecord is a seal as stored: the seal plus its revision, a random
// token that every write renews and that UpdateSeal claims.
type sealRecord struct {
	model.Seal `bson:",inline"`
	Rev        string `bson:"rev"`
}

// UpdateSeal replaces the seal only if its stored status is fromStatus. A
// missing seal is model.ErrNotFound; another status, or losing the race
// for the stored revision, is model.ErrConflict.
func (s *Store) UpdateSeal(ctx context.Context, se model.Seal, fromStatus string) error {
	if se.ID == "" {
		return invalid("seal without id")
	}
	var cur sealRecord
	if err := s.seals.FindOne(ctx, byID(se.ID)).Decode(&cur); err != nil {
		return wrap(err, "update seal %s", se.ID)
	}
	if cur.Status != fromStatus {
		return fmt.Errorf("store/mongo: update seal %s: status is %q, not %q: %w", se.ID, cur.Status, fromStatus, model.ErrConflict)
	}
	// Claim the revision: only one caller inserts this _id.
	if _, err := s.sealClaims.InsertOne(ctx, bson.D{{Key: "_id", Value: se.ID + "@" + cur.Rev}}); err != nil {
		if mongodrv.IsDuplicateKeyError(err) {
			return fmt.Errorf("store/mongo: update seal %s: changed by another caller: %w", se.ID, model.ErrConflict)
		}
		return wrap(err, "update seal %s: claim", se.ID)
	}
	res, err := s.seals.ReplaceOne(ctx, bson.D{{Key: "_id", Value: se.ID}, {Key: "rev", Value: cur.Rev}},
		sealRecord{Seal: se, Rev: newID()})
	if err != nil {
		return wrap(err, "update seal %s", se.ID)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("store/mongo: update seal %s: replaced meanwhile: %w", se.ID, model.ErrConflict)
	}
	return nil
}
