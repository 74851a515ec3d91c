package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sihub/model"
)

// messageRecord is a message as stored: the message plus the field that
// makes dedup keys unique without a sparse index ("k:"+key, or "i:"+ID for
// a message without one).
type messageRecord struct {
	model.Message `bson:",inline"`
	Dedup         string `bson:"dedup"`
}

// PutMessage stores a new message; an empty ID gets a random one. A taken
// ID or DedupKey is model.ErrConflict.
func (s *Store) PutMessage(ctx context.Context, m model.Message) error {
	if m.ID == "" {
		m.ID = newID()
	}
	if m.Recipient == "" {
		return invalid("message without recipient")
	}
	dedup := "i:" + m.ID
	if m.DedupKey != "" {
		dedup = "k:" + m.DedupKey
	}
	_, err := s.messages.InsertOne(ctx, messageRecord{Message: m, Dedup: dedup})
	return wrap(err, "put message %s", m.ID)
}

// MessagesFor lists the messages to any of recipients, newest first (ties
// by ID, descending), at most limit (<= 0: no limit).
func (s *Store) MessagesFor(ctx context.Context, recipients []string, limit int) ([]model.Message, error) {
	if len(recipients) == 0 {
		return []model.Message{}, nil
	}
	filter := bson.D{{Key: "recipient", Value: bson.D{{Key: "$in", Value: recipients}}}}
	opts := options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	return findAll[model.Message](ctx, s.messages, filter, opts, "messages")
}

// MarkMessageRead sets the message's ReadAt unless it is already set. A
// missing ID is model.ErrNotFound.
func (s *Store) MarkMessageRead(ctx context.Context, id string, at time.Time) error {
	res, err := s.messages.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "read_at", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "read_at", Value: at}}}})
	if err != nil {
		return wrap(err, "mark message %s read", id)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	// Already read, or missing.
	if err := s.messages.FindOne(ctx, byID(id)).Err(); err != nil {
		return wrap(err, "mark message %s read", id)
	}
	return nil
}
