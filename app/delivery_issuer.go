package app

import (
	"context"
	"errors"

	"sihub/model"
	"sihub/signer"
)

// DeliveringIssuer is the signer service as the portal, the CLI and batch
// jobs use it: every document it issues, reissues or withdraws is also
// delivered to its holder (Delivery). Delivery is a second step after the
// document is stored: when it fails the document stands, the failure is
// logged, and the Dispatcher's reconciliation writes the notice later.
// Every other method is the signer.Service's own.
type DeliveringIssuer struct {
	*signer.Service
	Delivery *Delivery // nil: nothing is delivered
}

// Issue issues a document (signer.Service.Issue) and delivers it. A
// repeated request with the same idempotency key delivers nothing new.
// When the delivery store is the registry's (it stores documents with
// their notices, as store.Store does), the notices are written in the same
// write as the document (signer.Service.IssueWith): one durable commit per
// document instead of two.
func (i *DeliveringIssuer) Issue(ctx context.Context, req signer.IssueRequest) (*signer.Issued, error) {
	if i.Delivery != nil && i.Delivery.withDocuments() {
		iss, err := i.Service.IssueWith(ctx, req, func(ctx context.Context, doc model.Document) ([]model.Message, []model.OutboxMessage) {
			msgs, outbox, err := i.Delivery.notices(ctx, notice{event: EventDocumentIssued, doc: doc})
			if err != nil {
				i.Delivery.logFailure(ctx, doc.Code, err)
			}
			return msgs, outbox
		})
		if errors.Is(err, model.ErrNoticesNotStored) {
			i.Delivery.logFailure(ctx, iss.Document.Code, err)
			err = nil
		}
		return iss, err
	}
	iss, err := i.Service.Issue(ctx, req)
	if err == nil && i.Delivery != nil {
		if derr := i.Delivery.DocumentIssued(ctx, iss.Document, ""); derr != nil {
			i.Delivery.logFailure(ctx, iss.Document.Code, derr)
		}
	}
	return iss, err
}

// Reissue reissues a document (signer.Service.Reissue) and delivers the
// new one, naming the one it replaces.
func (i *DeliveringIssuer) Reissue(ctx context.Context, docs signer.DocumentStore, code, actor string) (*signer.Issued, error) {
	old, _ := docs.DocumentByCode(ctx, code)
	iss, err := i.Service.Reissue(ctx, docs, code, actor)
	if iss != nil && i.Delivery != nil { // stored, even when marking the old one failed
		if derr := i.Delivery.DocumentIssued(ctx, iss.Document, old.Number); derr != nil {
			i.Delivery.logFailure(ctx, iss.Document.Code, derr)
		}
	}
	return iss, err
}

// Withdraw withdraws a document (signer.Service.Withdraw) and tells its
// holder, with the reason.
func (i *DeliveringIssuer) Withdraw(ctx context.Context, docs signer.DocumentStore, code, reason, actor string) error {
	if err := i.Service.Withdraw(ctx, docs, code, reason, actor); err != nil {
		return err
	}
	if i.Delivery == nil {
		return nil
	}
	doc, err := docs.DocumentByCode(ctx, code)
	if err == nil {
		err = i.Delivery.DocumentWithdrawn(ctx, doc)
	}
	if err != nil {
		i.Delivery.logFailure(ctx, code, err)
	}
	return nil
}
