package signer

import (
	"context"
	"fmt"

	"sihub/model"
)

// Optional capabilities of Records, found by type assertion: the kinds
// that need them fail with ErrUnsupportedKind on a Records without them.
type (
	// ApplicationRecords reads service applications (receipt,
	// result-notice).
	ApplicationRecords interface {
		Application(ctx context.Context, id string) (model.Application, error)
	}
	// BenefitRecords reads benefit payments (benefit-details).
	BenefitRecords interface {
		BenefitPayments(ctx context.Context, personID, from, to string) ([]model.BenefitPayment, error)
	}
	// UnitStaffRecords reads a unit's staff as a whole
	// (unit-insurance-certificate).
	UnitStaffRecords interface {
		InsurancesOfUnit(ctx context.Context, unitCode string) ([]model.Insurance, error)
		UnpaidContributionsOfUnit(ctx context.Context, unitCode, from, to string) ([]model.Contribution, error)
	}
)

// capability returns s.records as T, or ErrUnsupportedKind for kind.
func capability[T any](s *Service, kind, what string) (T, error) {
	r, ok := s.records.(T)
	if !ok {
		return r, fmt.Errorf("%w: %s needs records of %s", ErrUnsupportedKind, kind, what)
	}
	return r, nil
}
