package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"sihub/model"
	"sihub/signer"
)

// Delivery tells a document's holder about it (LD/T 01-2020 5.3.1 c/d:
// every result gets a notice): an in-platform message to the holder's
// portal login (the person ID or the unit's credit code, which is the
// document's subject) with the link to the document's page, and for a
// person with a phone number or an email address an SMS and an email
// written to the outbox, which a Dispatcher sends.
//
// Notices carry the document kind, the holder's masked name and a link;
// never the full ID number and never the PDF.
//
// Every notice has a key derived from the event and the document's code
// (the message's DedupKey, the outbox entries' IDs), so writing it again
// is harmless: a repeated issue with the same idempotency key, a second
// process, or the Dispatcher's reconciliation pass (which re-derives the
// notices of recent documents from the audit trail when writing them
// failed at issue time) never sends one twice.
type Delivery struct {
	store     DeliveryStore
	publicURL string
	now       func() time.Time
	log       *slog.Logger
}

// DeliveryStore is what delivery reads and writes (store.Store has it).
type DeliveryStore interface {
	Person(ctx context.Context, id string) (model.Person, error)
	DocumentByCode(ctx context.Context, code string) (model.Document, error)
	PutMessage(ctx context.Context, m model.Message) error
	PutOutbox(ctx context.Context, m model.OutboxMessage) error
	OutboxMessage(ctx context.Context, id string) (model.OutboxMessage, error)
	DueOutbox(ctx context.Context, now time.Time, limit int) ([]model.OutboxMessage, error)
	UpdateOutbox(ctx context.Context, m model.OutboxMessage, fromAttempts int) error
	AuditEntries(ctx context.Context, since time.Time, action, object string, limit int) ([]model.AuditEntry, error)
}

// Delivery events (model.Message.Kind and OutboxMessage.Kind).
const (
	EventDocumentIssued    = "document.issued"
	EventDocumentWithdrawn = "document.withdrawn"
)

// NewDelivery returns a Delivery writing to st. publicURL is the base of
// the links in SMS and email; now is the clock (nil: time.Now).
func NewDelivery(st DeliveryStore, publicURL string, now func() time.Time, log *slog.Logger) *Delivery {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Delivery{store: st, publicURL: strings.TrimRight(publicURL, "/"), now: now, log: log}
}

// notice is what one event says to the holder.
type notice struct {
	event   string
	doc     model.Document
	replace string // the number of the document a reissue replaces
	reason  string // a withdrawal's reason (in-platform message only)
}

// DocumentIssued writes the notices of a newly issued document; replaces
// names the number of the document a reissue supersedes ("" for none).
func (d *Delivery) DocumentIssued(ctx context.Context, doc model.Document, replaces string) error {
	return d.notify(ctx, notice{event: EventDocumentIssued, doc: doc, replace: replaces})
}

// DocumentWithdrawn writes the notices of a withdrawn document.
func (d *Delivery) DocumentWithdrawn(ctx context.Context, doc model.Document) error {
	return d.notify(ctx, notice{event: EventDocumentWithdrawn, doc: doc, reason: doc.StatusReason})
}

// withDocuments reports whether the delivery store also stores documents
// with their notices in one write (store.Store does; see
// DeliveringIssuer.Issue).
func (d *Delivery) withDocuments() bool {
	_, ok := d.store.(interface {
		PutIssued(ctx context.Context, is model.Issuance) error
	})
	return ok
}

// documentLink is the portal page of a document, as its holder opens it.
func documentLink(code string) string { return "/me/documents/" + code }

// notify writes the message and the outbox entries of n. Entries already
// written (the same key) are left as they are. Errors of the single
// writes are joined; every write is tried.
func (d *Delivery) notify(ctx context.Context, n notice) error {
	msgs, outbox, err := d.notices(ctx, n)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, m := range msgs {
		if err := d.store.PutMessage(ctx, m); err != nil && !errors.Is(err, model.ErrConflict) {
			errs = append(errs, fmt.Errorf("app: delivery: message %s: %w", m.DedupKey, err))
		}
	}
	for _, m := range outbox {
		if err := d.store.PutOutbox(ctx, m); err != nil && !errors.Is(err, model.ErrConflict) {
			errs = append(errs, fmt.Errorf("app: delivery: outbox %s: %w", m.ID, err))
		}
	}
	return errors.Join(errs...)
}

// notices makes the message and the outbox entries of n. The error is
// about reading the holder's contacts; the notices made are returned with
// it.
func (d *Delivery) notices(ctx context.Context, n notice) ([]model.Message, []model.OutboxMessage, error) {
	doc := n.doc
	if doc.Subject == "" || doc.Code == "" || doc.Kind == signer.KindVerificationReport {
		return nil, nil, nil // a verification report has no holder
	}
	now := d.now().UTC()
	kind := signer.KindNames[doc.Kind]
	if kind == "" {
		kind = "文书"
	}
	name := model.MaskName(doc.SubjectName)
	link := documentLink(doc.Code)
	var subject, body, short string
	switch n.event {
	case EventDocumentWithdrawn:
		subject = kind + "已撤回"
		body = fmt.Sprintf("%s，您的%s（编号 %s）已由经办机构撤回", name, kind, doc.Number)
		if r := strings.TrimSpace(n.reason); r != "" {
			body += "，原因：" + r
		}
		body += "。如需继续使用，请重新开具。"
		short = fmt.Sprintf("%s，您的%s已由经办机构撤回，详情见", name, kind)
	default:
		subject = kind + "已出具"
		body = fmt.Sprintf("%s，您的%s（编号 %s）已出具，请在“我的证明”中查看和下载。", name, kind, doc.Number)
		if n.replace != "" {
			body = fmt.Sprintf("%s，您的%s已重新出具（编号 %s），原文书 %s 已作废。", name, kind, doc.Number, n.replace)
		}
		short = fmt.Sprintf("%s，您的%s已出具，查看：", name, kind)
	}
	key := n.event + ":" + doc.Code
	msgs := []model.Message{{Recipient: doc.Subject, Kind: n.event, Subject: subject,
		Body: body, Link: link, DedupKey: key, CreatedAt: now}}
	p, err := d.store.Person(ctx, doc.Subject)
	switch {
	case errors.Is(err, model.ErrNotFound):
		return msgs, nil, nil // a unit: no phone or email on record
	case err != nil:
		return msgs, nil, fmt.Errorf("app: delivery: contacts of %s: %w", model.MaskID(doc.Subject), err)
	}
	text := short + d.publicURL + link
	var outbox []model.OutboxMessage
	for _, c := range []struct{ channel, address string }{{model.ChannelSMS, p.Phone}, {model.ChannelEmail, p.Email}} {
		if strings.TrimSpace(c.address) == "" {
			continue
		}
		m := model.OutboxMessage{ID: key + ":" + c.channel, Channel: c.channel, Recipient: doc.Subject,
			Address: strings.TrimSpace(c.address), Kind: n.event, Body: text, Link: d.publicURL + link,
			DocumentCode: doc.Code, Status: model.OutboxPending, NextAttemptAt: now, CreatedAt: now}
		if c.channel == model.ChannelEmail {
			m.Subject = subject
		}
		outbox = append(outbox, m)
	}
	return msgs, outbox, nil
}

// logFailure records a notice that could not be written. The document
// stands; the Dispatcher's reconciliation writes the notice later.
func (d *Delivery) logFailure(ctx context.Context, code string, err error) {
	d.log.ErrorContext(ctx, "delivery: notice not written; the dispatcher retries it from the audit trail",
		"code", code, "err", err)
}
