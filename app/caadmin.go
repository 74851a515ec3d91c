package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"sihub/certs"
	"sihub/certs/crl"
	"sihub/hsm"
	"sihub/model"
	"sihub/portal"
)

// CAAdmin is the seal authority's service (portal.CAAdmin) over the
// instance: the seal lifecycle of LD/T 01-2020 6.2.7 — request, approval
// by a second administrator, suspension, resumption, revocation with an
// RFC 5280 reason, replacement and expiry — and the administrators'
// messages.
//
// Every change is a compare-and-set on the stored seal status
// (store.Seals.UpdateSeal), so two administrators (or processes) acting on
// one seal at once cannot both succeed; it is audited (actor, action
// "seal.request", "seal.approve", "seal.reject", "seal.suspend",
// "seal.resume", "seal.revoke", "seal.replace", "seal.expire"; object the
// seal ID; the reason in the detail), refused attempts included. A
// change takes effect in this process at once: a stopped seal seals
// nothing from the next issuance on, its certificate is held or revoked
// in the CRL and OCSP answers. Another process (a second server, over the
// same store) follows at its next SyncSeals (RunSealSync) or start; every
// verifier reads the seal's status from the store on each verification.
type CAAdmin struct {
	a *App
	// mu serialises this process's changes, so a seal's record, its
	// certificate and the PKI move together.
	mu sync.Mutex
}

var _ portal.CAAdmin = (*CAAdmin)(nil)

// Seal request limits.
const (
	maxSealName   = 20  // characters
	maxSealNote   = 200 // characters
	maxSealReason = 200 // characters
	// messageLimit caps Messages.
	messageLimit = 200
)

// CAAdmin returns the instance's seal authority service.
func (a *App) CAAdmin() *CAAdmin { return a.caAdmin }

func (c *CAAdmin) now() time.Time { return c.a.Config.Now().UTC() }

// updateSeal changes a seal whose stored status is from
// (store.Seals.UpdateSeal) and makes the verifier's seal registry read it
// again.
func (c *CAAdmin) updateSeal(ctx context.Context, s model.Seal, from string) error {
	err := c.a.Store.UpdateSeal(ctx, s, from)
	if c.a.seals != nil {
		c.a.seals.Forget(s.ID)
	}
	return err
}

// Seals lists every seal, newest first.
func (c *CAAdmin) Seals(ctx context.Context) ([]model.Seal, error) {
	ss, err := c.a.Store.ListSeals(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(ss, func(x, y model.Seal) int {
		if d := y.CreatedAt.Compare(x.CreatedAt); d != 0 {
			return d
		}
		return strings.Compare(y.ID, x.ID)
	})
	return ss, nil
}

// Seal returns one seal.
func (c *CAAdmin) Seal(ctx context.Context, id string) (model.Seal, error) {
	return c.a.Store.Seal(ctx, id)
}

// Certificates lists every stored certificate, newest (notBefore) first.
func (c *CAAdmin) Certificates(ctx context.Context) ([]model.Certificate, error) {
	cs, err := c.a.Store.ListCertificates(ctx, "")
	if err != nil {
		return nil, err
	}
	slices.Reverse(cs)
	return cs, nil
}

// Messages lists the messages to login and to its role, newest first.
func (c *CAAdmin) Messages(ctx context.Context, login, role string) ([]model.Message, error) {
	var to []string
	if login != "" {
		to = append(to, login)
	}
	if role != "" {
		to = append(to, model.RoleRecipient(role))
	}
	return c.a.Store.MessagesFor(ctx, to, messageLimit)
}

// MarkMessageRead marks a message to login or to its role read (beside
// portal.CAAdmin, for a portal that offers it). A message to neither is
// model.ErrNotFound.
func (c *CAAdmin) MarkMessageRead(ctx context.Context, login, role, id string) error {
	ms, err := c.Messages(ctx, login, role)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.ID == id {
			return c.a.Store.MarkMessageRead(ctx, id, c.now())
		}
	}
	return fmt.Errorf("app: message %s for %s: %w", id, login, model.ErrNotFound)
}

// RequestSeal files a request for a new seal of the agency.
func (c *CAAdmin) RequestSeal(ctx context.Context, actor string, r portal.SealRequest) (model.Seal, error) {
	if err := c.admin(ctx, actor, "seal.request", ""); err != nil {
		return model.Seal{}, err
	}
	fail := func(err error) (model.Seal, error) {
		c.audit(ctx, actor, "seal.request", "", "invalid", err.Error())
		return model.Seal{}, err
	}
	r.Name, r.Note, r.Replaces = strings.TrimSpace(r.Name), strings.TrimSpace(r.Note), strings.TrimSpace(r.Replaces)
	r.Alg = strings.ToLower(strings.TrimSpace(r.Alg))
	if err := checkText("seal name", r.Name, 1, maxSealName); err != nil {
		return fail(err)
	}
	if err := checkText("note", r.Note, 0, maxSealNote); err != nil {
		return fail(err)
	}
	if r.Alg != "sm2" && r.Alg != "p256" {
		return fail(fmt.Errorf("app: algorithm %q (want sm2 or p256): %w", r.Alg, model.ErrInvalid))
	}
	if r.Replaces != "" {
		old, err := c.a.Store.Seal(ctx, r.Replaces)
		if err != nil {
			return fail(fmt.Errorf("app: the seal to replace: %w", err))
		}
		if old.Alg != r.Alg {
			return fail(fmt.Errorf("app: seal %s is %s; its replacement must be too: %w", old.ID, old.Alg, model.ErrInvalid))
		}
		if old.Status != model.SealActive && old.Status != model.SealSuspended {
			return fail(fmt.Errorf("app: seal %s is %s; only an active or suspended seal is replaced: %w", old.ID, old.Status, model.ErrConflict))
		}
	}
	now := c.now()
	s := model.Seal{
		ID: "seal-" + r.Alg + "-" + randomHex(6), Name: r.Name, Agency: c.a.Config.Agency, Alg: r.Alg,
		Status: model.SealRequested, CreatedAt: now, RequestedBy: actor, RequestNote: r.Note,
		Replaces: r.Replaces, StatusChangedAt: &now, StatusChangedBy: actor,
	}
	if err := c.a.Store.PutSeal(ctx, s); err != nil {
		return model.Seal{}, err
	}
	detail := s.Name + " (" + s.Alg + ")"
	if s.Replaces != "" {
		detail += " replacing " + s.Replaces
	}
	c.audit(ctx, actor, "seal.request", s.ID, "ok", detail)
	return s, nil
}

// ApproveSeal approves another administrator's request: the key is
// generated on the instance's key backend, the certificate issued, the
// SESeal made, and the seal becomes active and the seal of its algorithm
// (the seal it replaces becomes replaced).
func (c *CAAdmin) ApproveSeal(ctx context.Context, actor, id string) (model.Seal, error) {
	if err := c.admin(ctx, actor, "seal.approve", id); err != nil {
		return model.Seal{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, err := c.a.Store.Seal(ctx, id)
	if err != nil {
		return model.Seal{}, err
	}
	if s.Status != model.SealRequested {
		return c.refuse(ctx, actor, "seal.approve", id, fmt.Errorf("app: seal %s is %s, not requested: %w", id, s.Status, model.ErrConflict))
	}
	if s.RequestedBy == actor {
		return c.refuse(ctx, actor, "seal.approve", id, fmt.Errorf("app: %s requested seal %s; a second administrator approves it: %w", actor, id, model.ErrForbidden))
	}
	keyURI, err := c.a.KeyURI()
	if err != nil {
		return model.Seal{}, err
	}
	now := c.now()
	s.ApprovedBy, s.ApprovedAt = actor, &now
	s.StatusChangedBy, s.StatusChangedAt, s.StatusReason = actor, &now, ""
	s.KeyURI = keyURI
	// The key's generation reaches the audit trail under the approver.
	m, err := certs.MakeSeal(hsm.WithCaller(ctx, actor), c.a.PKI, c.a.Store, c.a.certsConfig(), s)
	if err != nil {
		c.audit(ctx, actor, "seal.approve", id, "failed", err.Error())
		return model.Seal{}, err
	}
	if err := c.updateSeal(ctx, m.Seal, model.SealRequested); err != nil {
		// Approved elsewhere meanwhile: the certificate just made serves
		// nothing.
		c.setCertificate(ctx, m.Seal.CertSerial, crl.StatusRevoked, int(crl.CessationOfOperation), now)
		return c.refuse(ctx, actor, "seal.approve", id, err)
	}
	if c.a.seals != nil {
		c.a.seals.Add(m.Seal)
	}
	if err := c.a.PKI.ActivateSeal(m); err != nil {
		return model.Seal{}, err
	}
	c.audit(ctx, actor, "seal.approve", id, "ok", fmt.Sprintf("certificate %s, key %s on %s", m.Seal.CertSerial, m.Seal.KeyID, keyURI))
	if s.Replaces != "" {
		if err := c.replace(ctx, actor, s.Replaces, id, now); err != nil {
			return m.Seal, err
		}
	}
	return m.Seal, nil
}

// replace marks the seal old replaced by id (if it is still active or
// suspended). Its certificate stays as it is: what it sealed was sealed
// while it served.
func (c *CAAdmin) replace(ctx context.Context, actor, old, id string, now time.Time) error {
	o, err := c.a.Store.Seal(ctx, old)
	if err != nil {
		return err
	}
	if o.Status != model.SealActive && o.Status != model.SealSuspended {
		return nil
	}
	from := o.Status
	o.Status, o.ReplacedBy, o.StatusReason = model.SealReplaced, id, "replaced by "+id
	o.StatusChangedAt, o.StatusChangedBy = &now, actor
	if err := c.updateSeal(ctx, o, from); err != nil {
		return err
	}
	c.a.PKI.DeactivateSeal(o)
	c.fallback(ctx, o.Alg)
	c.audit(ctx, actor, "seal.replace", old, "ok", "replaced by "+id)
	return nil
}

// RejectSeal rejects a request with a reason.
func (c *CAAdmin) RejectSeal(ctx context.Context, actor, id, reason string) (model.Seal, error) {
	return c.change(ctx, actor, id, "seal.reject", reason, []string{model.SealRequested}, model.SealRejected, nil)
}

// SuspendSeal stops an active seal from sealing; its certificate is on
// hold (certificateHold) until it is resumed.
func (c *CAAdmin) SuspendSeal(ctx context.Context, actor, id, reason string) (model.Seal, error) {
	return c.change(ctx, actor, id, "seal.suspend", reason, []string{model.SealActive}, model.SealSuspended,
		func(s model.Seal, now time.Time) error {
			return c.setCertificate(ctx, s.CertSerial, crl.StatusSuspended, 0, now)
		})
}

// ResumeSeal makes a suspended seal active again (within its validity).
func (c *CAAdmin) ResumeSeal(ctx context.Context, actor, id string) (model.Seal, error) {
	return c.change(ctx, actor, id, "seal.resume", "", []string{model.SealSuspended}, model.SealActive,
		func(s model.Seal, now time.Time) error {
			if now.After(s.ValidUntil) {
				return fmt.Errorf("app: seal %s expired on %s: %w", s.ID, s.ValidUntil.Format(time.DateOnly), model.ErrConflict)
			}
			return c.setCertificate(ctx, s.CertSerial, certs.CertGood, 0, now)
		})
}

// RevokeSeal revokes a seal and its certificate for an RFC 5280 reason
// (portal.RevocationReasons); the CRL and OCSP answer revoked with it.
func (c *CAAdmin) RevokeSeal(ctx context.Context, actor, id, reason string) (model.Seal, error) {
	code, ok := revocationCode(reason)
	if !ok {
		if err := c.admin(ctx, actor, "seal.revoke", id); err != nil {
			return model.Seal{}, err
		}
		return c.refuse(ctx, actor, "seal.revoke", id, fmt.Errorf("app: revocation reason %q (want one of %s): %w", reason, revocationNames(), model.ErrInvalid))
	}
	return c.change(ctx, actor, id, "seal.revoke", reason,
		[]string{model.SealActive, model.SealSuspended, model.SealReplaced, model.SealExpired}, model.SealRevoked,
		func(s model.Seal, now time.Time) error {
			return c.setCertificate(ctx, s.CertSerial, crl.StatusRevoked, code, now)
		})
}

// change moves a seal from one of from to status: check the actor and the
// reason, compare-and-set the record, update its certificate (certFn,
// before the record so that a failure leaves the seal as it was), tell the
// PKI, audit.
func (c *CAAdmin) change(ctx context.Context, actor, id, action, reason string, from []string, status string,
	certFn func(s model.Seal, now time.Time) error) (model.Seal, error) {
	if err := c.admin(ctx, actor, action, id); err != nil {
		return model.Seal{}, err
	}
	reason = strings.TrimSpace(reason)
	minReason := 1
	if status == model.SealActive {
		minReason = 0
	}
	if err := checkText("reason", reason, minReason, maxSealReason); err != nil {
		return c.refuse(ctx, actor, action, id, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, err := c.a.Store.Seal(ctx, id)
	if err != nil {
		return model.Seal{}, err
	}
	if !slices.Contains(from, s.Status) {
		return c.refuse(ctx, actor, action, id, fmt.Errorf("app: seal %s is %s; %s applies to a %s seal: %w",
			id, s.Status, action, strings.Join(from, " or "), model.ErrConflict))
	}
	now := c.now()
	prev := s.Status
	s.Status, s.StatusReason, s.StatusChangedAt, s.StatusChangedBy = status, reason, &now, actor
	var certBefore *model.Certificate
	if certFn != nil && s.CertSerial != "" {
		rec, err := c.a.Store.Certificate(ctx, s.CertSerial)
		if err != nil {
			return model.Seal{}, err
		}
		certBefore = &rec
		if err := certFn(s, now); err != nil {
			return c.refuse(ctx, actor, action, id, err)
		}
	}
	if err := c.updateSeal(ctx, s, prev); err != nil {
		// Changed elsewhere meanwhile: a hold or release of the
		// certificate is undone; a revocation stands.
		if certBefore != nil && status != model.SealRevoked {
			if rerr := c.a.Store.PutCertificate(ctx, *certBefore); rerr != nil {
				c.a.Logger.Error("restoring a seal certificate", "serial", s.CertSerial, "err", rerr)
			}
			c.a.refreshRevocation(ctx, certBefore.IssuerSerial)
		}
		return c.refuse(ctx, actor, action, id, err)
	}
	if status == model.SealActive {
		if err := c.activate(ctx, s); err != nil {
			return s, err
		}
	} else {
		c.a.PKI.DeactivateSeal(s)
		c.fallback(ctx, s.Alg)
	}
	c.audit(ctx, actor, action, id, "ok", reason)
	return s, nil
}

// fallback makes the newest approved active seal of alg (of the agency,
// within its validity) the seal alg seals with, when the one it sealed
// with stopped. Without one, the stopped seal stays in place and issuing
// fails naming it.
func (c *CAAdmin) fallback(ctx context.Context, alg string) {
	if cur, err := c.a.PKI.Seal(certsAlg(alg)); err != nil || cur.Seal.Status == model.SealActive {
		return
	}
	ss, err := c.a.Store.ListSeals(ctx)
	if err != nil {
		c.a.Logger.Error("choosing the active seal", "alg", alg, "err", err)
		return
	}
	now := c.now()
	var active []model.Seal
	for _, s := range ss {
		if s.Alg == alg && s.Agency == c.a.Config.Agency && s.Status == model.SealActive && !now.After(s.ValidUntil) {
			active = append(active, s)
		}
	}
	slices.SortStableFunc(active, func(x, y model.Seal) int { return activeSince(y).Compare(activeSince(x)) })
	for _, s := range active {
		m, err := certs.LoadSeal(ctx, c.a.PKI, c.a.Store, s)
		if err != nil {
			c.a.Logger.Warn("an active seal cannot take over", "seal", s.ID, "err", err)
			continue
		}
		if err := c.a.PKI.ActivateSeal(m); err == nil {
			return
		}
	}
}

// activeSince is when a seal became active: its approval, or its creation
// for a development seal.
func activeSince(s model.Seal) time.Time {
	if s.ApprovedAt != nil {
		return *s.ApprovedAt
	}
	return s.CreatedAt
}

// activate makes a resumed seal the seal of its algorithm, unless another
// active seal took over meanwhile.
func (c *CAAdmin) activate(ctx context.Context, s model.Seal) error {
	if cur, err := c.a.PKI.Seal(certsAlg(s.Alg)); err == nil && cur.Seal.ID != s.ID && cur.Seal.Status == model.SealActive {
		return nil
	}
	m, err := certs.LoadSeal(ctx, c.a.PKI, c.a.Store, s)
	if err != nil {
		return err
	}
	return c.a.PKI.ActivateSeal(m)
}

// setCertificate sets the status of a seal certificate ("good",
// "suspended" or "revoked" with a CRLReason code) and refreshes the CRL
// and OCSP answers.
func (c *CAAdmin) setCertificate(ctx context.Context, serial, status string, reason int, now time.Time) error {
	rec, err := c.a.Store.Certificate(ctx, serial)
	if err != nil {
		return err
	}
	if rec.Status == crl.StatusRevoked {
		if status == crl.StatusRevoked {
			return nil // revoked once, with its first reason and time
		}
		return fmt.Errorf("app: certificate %s is revoked: %w", serial, model.ErrConflict)
	}
	rec.Status, rec.RevocationReason, rec.RevokedAt = status, reason, nil
	if status != certs.CertGood {
		rec.RevokedAt = &now
	}
	if err := c.a.Store.PutCertificate(ctx, rec); err != nil {
		return err
	}
	c.a.refreshRevocation(ctx, rec.IssuerSerial)
	return nil
}

// admin checks that actor is an enabled CA administrator account.
func (c *CAAdmin) admin(ctx context.Context, actor, action, object string) error {
	acct, err := c.a.Store.Account(ctx, actor)
	if err == nil && acct.Role == model.AccountCAAdmin && !acct.Disabled {
		return nil
	}
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	err = fmt.Errorf("app: %q is not a CA administrator: %w", actor, model.ErrForbidden)
	c.audit(ctx, actor, action, object, "denied", err.Error())
	return err
}

// refuse audits a refused change and returns err.
func (c *CAAdmin) refuse(ctx context.Context, actor, action, id string, err error) (model.Seal, error) {
	outcome := "failed"
	switch {
	case errors.Is(err, model.ErrForbidden):
		outcome = "denied"
	case errors.Is(err, model.ErrInvalid), errors.Is(err, model.ErrConflict):
		outcome = "invalid"
	}
	c.audit(ctx, actor, action, id, outcome, err.Error())
	return model.Seal{}, err
}

func (c *CAAdmin) audit(ctx context.Context, actor, action, object, outcome, detail string) {
	e := model.AuditEntry{Time: c.now(), Actor: actor, Action: action, Object: object, Outcome: outcome, Detail: detail}
	if err := c.a.Store.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		c.a.Logger.Error("audit", "action", action, "object", object, "err", err)
	}
}

// revocationCode is the CRLReason code of a reason name.
func revocationCode(name string) (int, bool) {
	for _, r := range portal.RevocationReasons {
		if r.Name == name {
			return r.Code, true
		}
	}
	return 0, false
}

func revocationNames() string {
	var names []string
	for _, r := range portal.RevocationReasons {
		names = append(names, r.Name)
	}
	return strings.Join(names, ", ")
}

// checkText checks a free-text field: valid UTF-8, no control characters,
// between min and max characters.
func checkText(what, s string, min, max int) error {
	n := utf8.RuneCountInString(s)
	if !utf8.ValidString(s) || n < min || n > max {
		return fmt.Errorf("app: %s must be %d to %d characters: %w", what, min, max, model.ErrInvalid)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fmt.Errorf("app: %s holds a control character: %w", what, model.ErrInvalid)
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
