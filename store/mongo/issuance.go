package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sihub/model"
)

// Collections of the records behind the documents beyond certificates and
// statements.
const (
	colApplications    = "applications"
	colBenefitPayments = "benefit_payments"
)

// issuanceIndexes are the indexes of applications, benefit payments and a
// unit's staff and arrears, created at Open with the others.
func (s *Store) issuanceIndexes() []index {
	return []index{
		{s.db.Collection(colBenefitPayments), "person_month_item", bson.D{{Key: "person_id", Value: 1}, {Key: "month", Value: 1}, {Key: "item", Value: 1}}, true},
		{s.insurances, "unit_person_type", bson.D{{Key: "unit_code", Value: 1}, {Key: "person_id", Value: 1}, {Key: "type", Value: 1}}, false},
		{s.contributions, "unit_paid_month", bson.D{{Key: "unit_code", Value: 1}, {Key: "paid", Value: 1}, {Key: "month", Value: 1}}, false},
	}
}

// PutApplication inserts or replaces an application by ID.
func (s *Store) PutApplication(ctx context.Context, a model.Application) error {
	if a.ID == "" {
		return invalid("application without id")
	}
	return upsert(ctx, s.db.Collection(colApplications), byID(a.ID), a, "put application "+a.ID)
}

// Application returns an application by ID.
func (s *Store) Application(ctx context.Context, id string) (model.Application, error) {
	return findOne[model.Application](ctx, s.db.Collection(colApplications), byID(id), "application "+id)
}

// PutBenefitPayments inserts or replaces payments keyed by (PersonID,
// Month, Item) in one unordered bulk write; repeating a failed call
// completes it.
func (s *Store) PutBenefitPayments(ctx context.Context, ps []model.BenefitPayment) error {
	if len(ps) == 0 {
		return nil
	}
	models := make([]mongodrv.WriteModel, len(ps))
	for i, p := range ps {
		if p.PersonID == "" || p.Month == "" || p.Item == "" {
			return invalid("benefit payment without person id, month or item")
		}
		models[i] = mongodrv.NewReplaceOneModel().
			SetFilter(bson.D{{Key: "person_id", Value: p.PersonID}, {Key: "month", Value: p.Month}, {Key: "item", Value: p.Item}}).
			SetReplacement(p).
			SetUpsert(true)
	}
	col := s.db.Collection(colBenefitPayments)
	opts := options.BulkWrite().SetOrdered(false)
	_, err := col.BulkWrite(ctx, models, opts)
	if mongodrv.IsDuplicateKeyError(err) { // a racing upsert of a new payment
		_, err = col.BulkWrite(ctx, models, opts)
	}
	return wrap(err, "put %d benefit payments", len(ps))
}

// BenefitPayments lists a person's payments with from <= Month <= to,
// ordered by month then item.
func (s *Store) BenefitPayments(ctx context.Context, personID, from, to string) ([]model.BenefitPayment, error) {
	filter := bson.D{
		{Key: "person_id", Value: personID},
		{Key: "month", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lte", Value: to}}},
	}
	return findAll[model.BenefitPayment](ctx, s.db.Collection(colBenefitPayments), filter,
		options.Find().SetSort(bson.D{{Key: "month", Value: 1}, {Key: "item", Value: 1}}),
		"benefit payments of "+personID)
}

// InsurancesOfUnit lists the enrolments whose UnitCode is the unit,
// ordered by person then type.
func (s *Store) InsurancesOfUnit(ctx context.Context, unitCode string) ([]model.Insurance, error) {
	return findAll[model.Insurance](ctx, s.insurances, bson.D{{Key: "unit_code", Value: unitCode}},
		options.Find().SetSort(bson.D{{Key: "person_id", Value: 1}, {Key: "type", Value: 1}}),
		"insurances of unit "+unitCode)
}

// UnpaidContributionsOfUnit lists the unit's unpaid contributions with
// from <= Month <= to, ordered by month, person, type.
func (s *Store) UnpaidContributionsOfUnit(ctx context.Context, unitCode, from, to string) ([]model.Contribution, error) {
	filter := bson.D{
		{Key: "unit_code", Value: unitCode},
		{Key: "paid", Value: false},
		{Key: "month", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lte", Value: to}}},
	}
	return findAll[model.Contribution](ctx, s.contributions, filter,
		options.Find().SetSort(bson.D{{Key: "month", Value: 1}, {Key: "person_id", Value: 1}, {Key: "type", Value: 1}}),
		"unpaid contributions of unit "+unitCode)
}
