package mongo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sihub/model"
)

// AppendAudit appends an entry. An entry without ID gets a random one; an
// ID already present is model.ErrConflict (the trail is append-only).
func (s *Store) AppendAudit(ctx context.Context, e model.AuditEntry) error {
	if e.ID == "" {
		e.ID = newID()
	}
	_, err := s.audit.InsertOne(ctx, e)
	return wrap(err, "append audit %s", e.ID)
}

// AuditEntries lists entries with Time >= since, filtered by action ("" for
// all) and object ("" for all), oldest first (ties by ID), at most limit
// (<= 0: no limit).
func (s *Store) AuditEntries(ctx context.Context, since time.Time, action, object string, limit int) ([]model.AuditEntry, error) {
	filter := bson.D{{Key: "time", Value: bson.D{{Key: "$gte", Value: since}}}}
	if action != "" {
		filter = append(filter, bson.E{Key: "action", Value: action})
	}
	if object != "" {
		filter = append(filter, bson.E{Key: "object", Value: object})
	}
	opts := options.Find().SetSort(bson.D{{Key: "time", Value: 1}, {Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	return findAll[model.AuditEntry](ctx, s.audit, filter, opts, "audit entries")
}

// newID is 128 random bits in hex.
func newID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}
