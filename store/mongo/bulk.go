package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sihub/model"
)

// PutRecords inserts or replaces every record of r in unordered bulk
// writes, one per collection (units, persons, enrolments, contributions,
// applications, in that order). Every record is checked before anything
// is written. Without transactions a failure may leave part of r stored;
// each record is replaced whole, so repeating the call completes it.
func (s *Store) PutRecords(ctx context.Context, r model.RecordBatch) error {
	replace := func(filter bson.D, doc any) mongodrv.WriteModel {
		return mongodrv.NewReplaceOneModel().SetFilter(filter).SetReplacement(doc).SetUpsert(true)
	}
	if what := r.MissingKey(); what != "" {
		return invalid(what)
	}
	var units, persons, insurances, contributions, applications []mongodrv.WriteModel
	for _, u := range r.Units {
		units = append(units, replace(byID(u.CreditCode), u))
	}
	for _, p := range r.Persons {
		persons = append(persons, replace(byID(p.ID), p))
	}
	for _, in := range r.Insurances {
		insurances = append(insurances, replace(bson.D{{Key: "person_id", Value: in.PersonID}, {Key: "type", Value: in.Type}}, in))
	}
	for _, c := range r.Contributions {
		contributions = append(contributions, replace(bson.D{{Key: "person_id", Value: c.PersonID}, {Key: "month", Value: c.Month}, {Key: "type", Value: c.Type}}, c))
	}
	for _, a := range r.Applications {
		applications = append(applications, replace(byID(a.ID), a))
	}
	for _, w := range []struct {
		col    *mongodrv.Collection
		models []mongodrv.WriteModel
		what   string
	}{
		{s.units, units, "units"},
		{s.persons, persons, "persons"},
		{s.insurances, insurances, "insurances"},
		{s.contributions, contributions, "contributions"},
		{s.db.Collection(colApplications), applications, "applications"},
	} {
		if len(w.models) == 0 {
			continue
		}
		opts := options.BulkWrite().SetOrdered(false)
		_, err := w.col.BulkWrite(ctx, w.models, opts)
		if mongodrv.IsDuplicateKeyError(err) { // a racing upsert of a new key; see upsert
			_, err = w.col.BulkWrite(ctx, w.models, opts)
		}
		if err != nil {
			return wrap(err, "put %d %s", len(w.models), w.what)
		}
	}
	return nil
}
