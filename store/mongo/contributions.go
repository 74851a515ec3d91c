package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sihub/model"
)

// PutInsurance inserts or replaces the enrolment keyed by (PersonID, Type).
func (s *Store) PutInsurance(ctx context.Context, in model.Insurance) error {
	if in.PersonID == "" || in.Type == "" {
		return invalid("insurance without person id or type")
	}
	filter := bson.D{{Key: "person_id", Value: in.PersonID}, {Key: "type", Value: in.Type}}
	return upsert(ctx, s.insurances, filter, in, "put insurance "+in.PersonID+"/"+in.Type)
}

// Insurances lists a person's enrolments ordered by type.
func (s *Store) Insurances(ctx context.Context, personID string) ([]model.Insurance, error) {
	return findAll[model.Insurance](ctx, s.insurances,
		bson.D{{Key: "person_id", Value: personID}},
		options.Find().SetSort(bson.D{{Key: "type", Value: 1}}),
		"insurances of "+personID)
}

// PutContributions inserts or replaces the months keyed by (PersonID,
// Month, Type) in one unordered bulk write. Without transactions a failed
// batch may be stored in part; each month is replaced whole, so repeating
// the call completes it.
func (s *Store) PutContributions(ctx context.Context, cs []model.Contribution) error {
	if len(cs) == 0 {
		return nil
	}
	models := make([]mongodrv.WriteModel, len(cs))
	for i, c := range cs {
		if c.PersonID == "" || c.Month == "" || c.Type == "" {
			return invalid("contribution without person id, month or type")
		}
		models[i] = mongodrv.NewReplaceOneModel().
			SetFilter(bson.D{{Key: "person_id", Value: c.PersonID}, {Key: "month", Value: c.Month}, {Key: "type", Value: c.Type}}).
			SetReplacement(c).
			SetUpsert(true)
	}
	opts := options.BulkWrite().SetOrdered(false)
	_, err := s.contributions.BulkWrite(ctx, models, opts)
	if mongodrv.IsDuplicateKeyError(err) { // a racing upsert of a new month; see upsert
		_, err = s.contributions.BulkWrite(ctx, models, opts)
	}
	return wrap(err, "put %d contributions", len(cs))
}

// ContributionsBetween lists a person's contributions with from <= Month <=
// to, ordered by month then type.
func (s *Store) ContributionsBetween(ctx context.Context, personID, from, to string) ([]model.Contribution, error) {
	filter := bson.D{
		{Key: "person_id", Value: personID},
		{Key: "month", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lte", Value: to}}},
	}
	return findAll[model.Contribution](ctx, s.contributions, filter,
		options.Find().SetSort(bson.D{{Key: "month", Value: 1}, {Key: "type", Value: 1}}),
		"contributions of "+personID)
}

// ContributionsOfType lists a person's contributions of one insurance type
// with from <= Month <= to, ordered by month.
func (s *Store) ContributionsOfType(ctx context.Context, personID, typ, from, to string) ([]model.Contribution, error) {
	filter := bson.D{
		{Key: "person_id", Value: personID},
		{Key: "type", Value: typ},
		{Key: "month", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lte", Value: to}}},
	}
	return findAll[model.Contribution](ctx, s.contributions, filter,
		options.Find().SetSort(bson.D{{Key: "month", Value: 1}}),
		"contributions of "+personID+"/"+typ)
}
