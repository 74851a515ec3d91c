package signer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"sihub/model"
)

// Lifecycle errors.
var (
	// ErrNotValid: the document is already superseded or withdrawn.
	ErrNotValid = errors.New("signer: document is no longer valid")
)

// DocumentStore is what reissue and withdrawal need beyond issuance.
type DocumentStore interface {
	DocumentByCode(ctx context.Context, code string) (model.Document, error)
	SetDocumentStatus(ctx context.Context, code string, status model.DocumentStatus, reason, supersededBy string) error
}

// maxReason bounds a withdrawal reason.
const maxReason = 500

// Reissue issues a new document of the same kind, subject, language and
// algorithms as the valid document code, then marks the old one superseded
// by the new one. Verifying the old document then says "superseded by …".
// If the status change fails after the new document is stored, both stay
// valid and the error says so; running Reissue again is not needed — mark
// the old one with Withdraw.
func (s *Service) Reissue(ctx context.Context, docs DocumentStore, code, actor string) (*Issued, error) {
	old, err := docs.DocumentByCode(ctx, code)
	if err != nil {
		return nil, fmt.Errorf("signer: reissue %s: %w", code, err)
	}
	if old.Status != model.DocValid {
		return nil, fmt.Errorf("%w: %s is %s", ErrNotValid, old.Number, old.Status)
	}
	iss, err := s.Issue(ctx, IssueRequest{Kind: old.Kind, Subject: old.Subject, Algorithms: old.Algorithms, Lang: old.Lang, Actor: actor}.withParams(old.Params))
	if err != nil {
		return nil, err
	}
	if err := docs.SetDocumentStatus(ctx, old.Code, model.DocSuperseded, "reissued as "+iss.Document.Number, iss.Document.Code); err != nil {
		return iss, fmt.Errorf("signer: %s was issued but %s is still marked valid: %w", iss.Document.Number, old.Number, err)
	}
	return iss, s.audit.AppendAudit(ctx, model.AuditEntry{Time: s.cfg.Now().UTC(), Actor: actor, Action: "document.supersede",
		Object: old.Code, Outcome: "ok", Detail: "superseded_by=" + iss.Document.Code})
}

// Withdraw marks a valid document withdrawn with a reason a verifier is
// shown. The reason is required, plain text of at most 500 characters.
func (s *Service) Withdraw(ctx context.Context, docs DocumentStore, code, reason, actor string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxReason || strings.ContainsAny(reason, "\x00\r\n") {
		return fmt.Errorf("%w: a withdrawal needs a one-line reason of at most %d characters", ErrBadRequest, maxReason)
	}
	d, err := docs.DocumentByCode(ctx, code)
	if err != nil {
		return fmt.Errorf("signer: withdraw %s: %w", code, err)
	}
	if d.Status != model.DocValid {
		return fmt.Errorf("%w: %s is %s", ErrNotValid, d.Number, d.Status)
	}
	if err := docs.SetDocumentStatus(ctx, d.Code, model.DocWithdrawn, reason, ""); err != nil {
		return fmt.Errorf("signer: withdraw %s: %w", d.Number, err)
	}
	return s.audit.AppendAudit(ctx, model.AuditEntry{Time: s.cfg.Now().UTC(), Actor: actor, Action: "document.withdraw",
		Object: d.Code, Outcome: "ok", Detail: "reason=" + reason})
}
