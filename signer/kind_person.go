package signer

import (
	"context"
	"errors"
	"fmt"

	"sihub/ident"
	"sihub/model"
)

// personSubject checks a person subject and reads the person.
func (s *Service) personSubject(ctx context.Context, id string) (model.Person, error) {
	if _, err := ident.PersonID(id); err != nil {
		return model.Person{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	p, err := s.records.Person(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return p, fmt.Errorf("%w: no insured person %s", ErrBadRequest, model.MaskID(id))
	}
	if err != nil {
		return p, fmt.Errorf("signer: person: %w", err)
	}
	return p, nil
}

// bindCertificate binds the person insurance certificate (参保证明（个人）).
func (s *Service) bindCertificate(ctx context.Context, req IssueRequest, t issueTimes) (*draft, error) {
	if _, err := ident.PersonID(req.Subject); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	c, err := s.certificateData(ctx, req.Subject, req.Lang, t.now)
	if err != nil {
		return nil, err
	}
	c.ValidUntil = t.validUntil
	doc, err := c.Document()
	if err != nil {
		return nil, fmt.Errorf("signer: rendering %s: %w", req.Kind, err)
	}
	return &draft{doc: doc, subject: req.Subject, holder: c.Name}, nil
}

// bindStatement binds the yearly personal rights statement (个人权益记录单).
func (s *Service) bindStatement(ctx context.Context, req IssueRequest, t issueTimes) (*draft, error) {
	if _, err := ident.PersonID(req.Subject); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	st, err := s.statementData(ctx, req.Subject, req.Lang, req.Year, t.now)
	if err != nil {
		return nil, err
	}
	st.ValidUntil = t.validUntil
	doc, err := st.Document()
	if err != nil {
		return nil, fmt.Errorf("signer: rendering %s: %w", req.Kind, err)
	}
	return &draft{doc: doc, subject: req.Subject, holder: st.Name}, nil
}
