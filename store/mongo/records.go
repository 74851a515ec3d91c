package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sihub/model"
)

// wrap adds context to err and maps "no document" to model.ErrNotFound and
// duplicate keys to model.ErrConflict.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf(format, args...)
	switch {
	case errors.Is(err, mongodrv.ErrNoDocuments):
		return fmt.Errorf("store/mongo: %s: %w", what, model.ErrNotFound)
	case mongodrv.IsDuplicateKeyError(err):
		return fmt.Errorf("store/mongo: %s: %w (%v)", what, model.ErrConflict, err)
	}
	return fmt.Errorf("store/mongo: %s: %w", what, err)
}

func invalid(what string) error { return fmt.Errorf("%w: %s", ErrInvalid, what) }

func byID(id string) bson.D { return bson.D{{Key: "_id", Value: id}} }

// findOne decodes the document matching filter.
func findOne[T any](ctx context.Context, col *mongodrv.Collection, filter any, what string) (T, error) {
	var v T
	err := col.FindOne(ctx, filter).Decode(&v)
	return v, wrap(err, "%s", what)
}

// findAll decodes every document matching filter, in the given order.
func findAll[T any](ctx context.Context, col *mongodrv.Collection, filter any, opts *options.FindOptionsBuilder, what string) ([]T, error) {
	cur, err := col.Find(ctx, filter, opts)
	if err != nil {
		return nil, wrap(err, "%s", what)
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, wrap(err, "%s", what)
	}
	return out, nil
}

// upsert replaces the document matching filter, inserting it if missing.
// Two racing upserts of a new key can make one fail with a duplicate key on
// servers that do not retry that themselves; replacing is idempotent, so it
// is retried once.
func upsert(ctx context.Context, col *mongodrv.Collection, filter, doc any, what string) error {
	opts := options.Replace().SetUpsert(true)
	_, err := col.ReplaceOne(ctx, filter, doc, opts)
	if mongodrv.IsDuplicateKeyError(err) {
		_, err = col.ReplaceOne(ctx, filter, doc, opts)
	}
	return wrap(err, "%s", what)
}

// wrapNotFound is model.ErrNotFound with context.
func wrapNotFound(format string, args ...any) error {
	return wrap(mongodrv.ErrNoDocuments, format, args...)
}
