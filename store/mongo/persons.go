package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sihub/model"
)

// PutPerson inserts or replaces a person by ID.
func (s *Store) PutPerson(ctx context.Context, p model.Person) error {
	if p.ID == "" {
		return invalid("person without id")
	}
	return upsert(ctx, s.persons, byID(p.ID), p, "put person "+p.ID)
}

// Person returns the person with the given ID.
func (s *Store) Person(ctx context.Context, id string) (model.Person, error) {
	return findOne[model.Person](ctx, s.persons, byID(id), "person "+id)
}

// CountPersons counts the stored persons.
func (s *Store) CountPersons(ctx context.Context) (int64, error) {
	n, err := s.persons.CountDocuments(ctx, bson.D{})
	return n, wrap(err, "count persons")
}

// PersonIDs returns up to limit person IDs greater than after, in order;
// limit <= 0 means no limit.
func (s *Store) PersonIDs(ctx context.Context, after string, limit int) ([]string, error) {
	opts := options.Find().
		SetSort(bson.D{{Key: "_id", Value: 1}}).
		SetProjection(bson.D{{Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	type idOnly struct {
		ID string `bson:"_id"`
	}
	docs, err := findAll[idOnly](ctx, s.persons, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}}, opts, "person ids")
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}

// PutUnit inserts or replaces a unit by credit code.
func (s *Store) PutUnit(ctx context.Context, u model.Unit) error {
	if u.CreditCode == "" {
		return invalid("unit without credit code")
	}
	return upsert(ctx, s.units, byID(u.CreditCode), u, "put unit "+u.CreditCode)
}

// Unit returns the unit with the given credit code.
func (s *Store) Unit(ctx context.Context, creditCode string) (model.Unit, error) {
	return findOne[model.Unit](ctx, s.units, byID(creditCode), "unit "+creditCode)
}
