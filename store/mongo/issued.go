package mongo

import (
	"context"
	"errors"
	"fmt"

	"sihub/model"
)

// PutIssued stores a newly issued document: the PDF and the registry
// entry (PutDocument), then its audit entry, then its holder's notices.
// There is no transaction (FerretDB has none, and a replica set's would
// cost more than the order buys): a refused document writes nothing else;
// a failed audit entry leaves the document stored and is returned; a
// failed notice is model.ErrNoticesNotStored, the document and its audit
// entry standing. A notice whose dedup key or ID is taken is left out.
func (s *Store) PutIssued(ctx context.Context, is model.Issuance) error {
	for _, m := range is.Messages {
		if m.Recipient == "" {
			return invalid("message without recipient")
		}
	}
	for _, m := range is.Outbox {
		if m.ID == "" {
			return invalid("outbox message without id")
		}
	}
	if err := s.PutDocument(ctx, is.Document, is.PDF); err != nil {
		return err
	}
	if err := s.AppendAudit(ctx, is.Audit); err != nil {
		return fmt.Errorf("store/mongo: document %s stored without its audit entry: %w", is.Document.Code, err)
	}
	var errs []error
	for _, m := range is.Messages {
		if err := s.PutMessage(ctx, m); err != nil && !errors.Is(err, model.ErrConflict) {
			errs = append(errs, err)
		}
	}
	for _, m := range is.Outbox {
		if err := s.PutOutbox(ctx, m); err != nil && !errors.Is(err, model.ErrConflict) {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("store/mongo: document %s: %w: %w", is.Document.Code, model.ErrNoticesNotStored, errors.Join(errs...))
	}
	return nil
}
