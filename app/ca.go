package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"sihub/certs"
	"sihub/hsm"
	"sihub/model"
)

// ErrKeyBackend: a CA key cannot go on the backend a command names.
var ErrKeyBackend = errors.New("app: key backend")

// CARecordKeyURI turns the backend URI a key ceremony names into what the
// certificate record keeps: "" for the instance's own backend (named by
// SIHUB_HSM_URI, or "soft:" when that is the software keystore), the URI
// itself for another token, which must name its PIN with pin-source
// (certs.CheckKeyURI). A software keystore beside a hardware instance
// backend cannot be reopened at start and is refused.
func (a *App) CARecordKeyURI(uri string) (string, error) {
	uri = strings.TrimSpace(uri)
	own := a.Config.HSMURI
	if own == "" {
		own = "soft:"
	}
	switch {
	case uri == "" || uri == own:
		return "", nil
	case strings.EqualFold(uri, "soft:"):
		return "", fmt.Errorf("%w: the software keystore is not this instance's backend (SIHUB_HSM_URI)", ErrKeyBackend)
	}
	if err := certs.CheckKeyURI(uri); err != nil {
		return "", err
	}
	return uri, nil
}

// CreateCA makes a root or issuing CA (certs.CreateCA) with its key on the
// backend req.KeyURI names (normalised with CARecordKeyURI), and writes
// the outcome to the audit trail as "ca.create" by actor.
func (a *App) CreateCA(ctx context.Context, actor string, req certs.CARequest) (model.Certificate, error) {
	detail := fmt.Sprintf("alg=%s role=%s", req.Alg, req.Role)
	var rec model.Certificate
	uri, err := a.CARecordKeyURI(req.KeyURI)
	if err == nil {
		req.KeyURI = uri
		detail += backendDetail(uri)
		ctx = hsm.WithCaller(ctx, actorOr(actor))
		rec, err = certs.CreateCA(ctx, a.PKI.Keyring(), a.Store, a.caConfig(), req)
	}
	if err == nil {
		detail += fmt.Sprintf(" key=%s parent=%s", rec.KeyID, rec.IssuerSerial)
	}
	return rec, a.auditCA(ctx, actor, "ca.create", rec.Serial, detail, err)
}

// RotateCA makes a new issuing CA of alg under the current root
// (certs.RotateIssuing): it is current from the next start on, and the
// previous one stays trusted. Audited as "ca.rotate" by actor, with the
// previous and the new serial.
func (a *App) RotateCA(ctx context.Context, actor string, alg hsm.Algorithm, keyURI, keyID, label string) (certs.Rotation, error) {
	detail := fmt.Sprintf("alg=%s", alg)
	var rot certs.Rotation
	uri, err := a.CARecordKeyURI(keyURI)
	if err == nil {
		detail += backendDetail(uri)
		ctx = hsm.WithCaller(ctx, actorOr(actor))
		rot, err = certs.RotateIssuing(ctx, a.PKI.Keyring(), a.Store, a.caConfig(), alg, uri, keyID, label)
	}
	if err == nil {
		prev := "none"
		if rot.Previous != nil {
			prev = rot.Previous.Serial
		}
		detail += fmt.Sprintf(" key=%s previous=%s", rot.Next.KeyID, prev)
	}
	return rot, a.auditCA(ctx, actor, "ca.rotate", rot.Next.Serial, detail, err)
}

// caConfig is what CreateCA reads of the configuration (the keyring
// comes with the PKI).
func (a *App) caConfig() certs.Config {
	return certs.Config{Agency: a.Config.Agency, Region: a.Config.Region, Now: a.Config.Now, PublicURL: a.Config.PublicURL}
}

// auditCA writes one entry and returns err, joined with a failure to
// write it (a CA made without its audit entry is reported).
func (a *App) auditCA(ctx context.Context, actor, action, object, detail string, err error) error {
	e := model.AuditEntry{Time: a.Config.Now().UTC(), Actor: actorOr(actor), Action: action, Object: object, Outcome: "ok", Detail: detail}
	if err != nil {
		e.Outcome = "failed"
		e.Detail += " " + caErrorKind(err)
	}
	if aerr := a.Store.AppendAudit(context.WithoutCancel(ctx), e); aerr != nil {
		return errors.Join(err, fmt.Errorf("app: audit %s: %w", action, aerr))
	}
	return err
}

// backendDetail names where the key is, for the audit trail (a recorded
// URI holds no PIN).
func backendDetail(uri string) string {
	if uri == "" {
		return " backend=instance"
	}
	return " backend=" + uri
}

func actorOr(actor string) string {
	if actor == "" {
		return "cli"
	}
	return actor
}

// caErrorKind names a failure by its kind, never by its text (which may
// name paths of the PIN files).
func caErrorKind(err error) string {
	for _, kind := range []error{certs.ErrConfig, certs.ErrLint, certs.ErrNotFound, certs.ErrKeyURI, ErrKeyBackend,
		hsm.ErrKeyNotFound, hsm.ErrUnsupported, hsm.ErrDeviceUnavailable, hsm.ErrUnknownScheme, hsm.ErrBadSignature} {
		if errors.Is(err, kind) {
			return "error=" + kind.Error()
		}
	}
	return "error=other"
}
