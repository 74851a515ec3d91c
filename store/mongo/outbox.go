package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sihub/model"
)

// Collections of the outbox.
const (
	colOutbox       = "outbox"
	colOutboxClaims = "outbox_claims"
)

// outboxRecord is an outbox message as stored, with the revision that
// UpdateOutbox claims (as UpdateSeal does) so that of two dispatchers
// taking one message only one wins, also on servers whose conditional
// updates race.
type outboxRecord struct {
	model.OutboxMessage `bson:",inline"`
	Rev                 string `bson:"rev"`
}

func (s *Store) outboxIndexes() []index {
	return []index{
		{s.db.Collection(colOutbox), "status_due", bson.D{{Key: "status", Value: 1}, {Key: "next_attempt_at", Value: 1}, {Key: "_id", Value: 1}}, false},
	}
}

// PutOutbox stores a new outbox message. A taken ID is model.ErrConflict.
func (s *Store) PutOutbox(ctx context.Context, m model.OutboxMessage) error {
	if m.ID == "" {
		return invalid("outbox message without id")
	}
	_, err := s.db.Collection(colOutbox).InsertOne(ctx, outboxRecord{OutboxMessage: m, Rev: newID()})
	return wrap(err, "put outbox %s", m.ID)
}

// OutboxMessage reads one outbox message; model.ErrNotFound when missing.
func (s *Store) OutboxMessage(ctx context.Context, id string) (model.OutboxMessage, error) {
	return findOne[model.OutboxMessage](ctx, s.db.Collection(colOutbox), byID(id), "outbox "+id)
}

// DueOutbox lists pending messages due at now, earliest first (ties by
// ID), at most limit (<= 0: no limit).
func (s *Store) DueOutbox(ctx context.Context, now time.Time, limit int) ([]model.OutboxMessage, error) {
	filter := bson.D{{Key: "status", Value: model.OutboxPending},
		{Key: "next_attempt_at", Value: bson.D{{Key: "$lte", Value: now}}}}
	opts := options.Find().SetSort(bson.D{{Key: "next_attempt_at", Value: 1}, {Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	return findAll[model.OutboxMessage](ctx, s.db.Collection(colOutbox), filter, opts, "due outbox")
}

// UpdateOutbox replaces m.ID if it is pending with fromAttempts attempts:
// model.ErrNotFound when missing, model.ErrConflict in any other state or
// when another caller changed it first.
func (s *Store) UpdateOutbox(ctx context.Context, m model.OutboxMessage, fromAttempts int) error {
	if m.ID == "" {
		return invalid("outbox message without id")
	}
	col := s.db.Collection(colOutbox)
	var cur outboxRecord
	if err := col.FindOne(ctx, byID(m.ID)).Decode(&cur); err != nil {
		return wrap(err, "update outbox %s", m.ID)
	}
	if cur.Status != model.OutboxPending || cur.Attempts != fromAttempts {
		return fmt.Errorf("store/mongo: update outbox %s: %s with %d attempts, not pending with %d: %w",
			m.ID, cur.Status, cur.Attempts, fromAttempts, model.ErrConflict)
	}
	return replaceAtRev(ctx, col, s.db.Collection(colOutboxClaims), m.ID+"@"+cur.Rev, m.ID, cur.Rev,
		outboxRecord{OutboxMessage: m, Rev: newID()}, "update outbox "+m.ID)
}
