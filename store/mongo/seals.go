package mongo

import (
	"context"
	"fmt"

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
	return replaceAtRev(ctx, s.seals, s.sealClaims, se.ID+"@"+cur.Rev, se.ID, cur.Rev,
		sealRecord{Seal: se, Rev: newID()}, "update seal "+se.ID)
}
