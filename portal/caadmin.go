package portal

import (
	"context"

	"sihub/model"
)

// CAAdmin is the seal authority's service behind the CA administrator
// pages (/ca/…) and API (/api/v1/ca/…), reachable only with the ca-admin
// role (app implements it). actor is the logged-in administrator's login;
// every change is audited by the implementation.
//
// Errors, checked with errors.Is: model.ErrNotFound (no such seal or
// certificate), model.ErrForbidden (e.g. approving one's own request),
// model.ErrConflict (the seal is not in a state the change applies to, e.g.
// resuming a revoked seal), model.ErrInvalid (a malformed request).
type CAAdmin interface {
	// Seals lists every seal, newest first.
	Seals(ctx context.Context) ([]model.Seal, error)
	// Seal returns one seal.
	Seal(ctx context.Context, id string) (model.Seal, error)
	// Certificates lists the certificates of the hierarchy (roots,
	// issuing CAs, seals, OCSP and TSA signers), newest first.
	Certificates(ctx context.Context) ([]model.Certificate, error)
	// RequestSeal files a request for a new seal (status requested); no
	// key exists until a second administrator approves it.
	RequestSeal(ctx context.Context, actor string, r SealRequest) (model.Seal, error)
	// ApproveSeal approves another administrator's request: the key is
	// generated, the seal certificate issued and the SESeal made, and the
	// seal becomes active (the seal it replaces becomes replaced).
	ApproveSeal(ctx context.Context, actor, id string) (model.Seal, error)
	// RejectSeal rejects a request with a reason.
	RejectSeal(ctx context.Context, actor, id, reason string) (model.Seal, error)
	// SuspendSeal stops an active seal from sealing (certificateHold).
	SuspendSeal(ctx context.Context, actor, id, reason string) (model.Seal, error)
	// ResumeSeal makes a suspended seal active again.
	ResumeSeal(ctx context.Context, actor, id string) (model.Seal, error)
	// RevokeSeal revokes a seal and its certificate for an RFC 5280
	// reason named as in RevocationReasons (e.g. "keyCompromise").
	RevokeSeal(ctx context.Context, actor, id, reason string) (model.Seal, error)
	// Messages lists the in-platform messages for an account (its own and
	// its role's), newest first.
	Messages(ctx context.Context, login, role string) ([]model.Message, error)
}

// SealRequest asks for a new seal.
type SealRequest struct {
	Name     string // e.g. "业务专用章"; 1–20 characters
	Alg      string // "sm2" or "p256"
	Replaces string // ID of the seal it takes over from, or ""
	Note     string // why the seal is needed
}

// RevocationReasons are the RFC 5280 reasons a seal administrator may
// give, by name, with their CRLReason codes.
var RevocationReasons = []struct {
	Name string
	Code int
}{
	{"unspecified", 0}, {"keyCompromise", 1}, {"affiliationChanged", 3},
	{"superseded", 4}, {"cessationOfOperation", 5}, {"privilegeWithdrawn", 9},
}
