package verifier

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"sihub/certs/cms"
	"sihub/certs/seal/sealref"
	"sihub/model"
)

// SealRegistry looks the agency's seals up by the SM3 digest of their
// SESeal (model.Seal.SESeal). It returns an error wrapping
// model.ErrNotFound for a digest it does not know.
type SealRegistry interface {
	SealByDigest(ctx context.Context, digest []byte) (model.Seal, error)
}

// Seal statuses a signature may carry and be valid with.
const sealActive = "active"

// SealReport is the seal a signature names (the signed attribute
// sealref.OIDAttributeSealReference): the SESeal's esID and SM3 digest, and,
// when the seal registry knows it, its id, name and lifecycle status.
type SealReport struct {
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	Status string `json:"status,omitempty"`
	ESID   string `json:"esid"`
	Digest string `json:"digest"` // SM3 of the SESeal's DER, hex
}

// checkSeal reads the seal reference of si, if any, and with a seal
// registry checks that the seal is known and was in service when the
// signature was made (at, the best signing time known; zero if none): an
// active seal always; a seal replaced or expired since, if at is before
// its replacement or within its validity (the document was sealed while
// the seal served, and a note says what happened since); never a seal that
// is revoked, suspended, rejected or not yet approved, whatever its
// certificate. A signature without the attribute (documents from other
// producers) gets no seal check.
func (d *document) checkSeal(rep *SignatureReport, si *cms.SignerInfo, at time.Time) {
	attr, ok := si.Attribute(sealref.OIDAttributeSealReference)
	if !ok {
		return
	}
	if len(attr.Values) != 1 {
		rep.addError(ReasonContentsInvalid, fmt.Sprintf("the seal reference attribute has %d values, not 1", len(attr.Values)))
		return
	}
	ref, err := sealref.ParseReference(attr.Values[0])
	if err != nil {
		rep.addError(ReasonContentsInvalid, err.Error())
		return
	}
	sr := &SealReport{ESID: ref.ESID, Digest: hex.EncodeToString(ref.Digest)}
	rep.Seal = sr
	if d.v.seals == nil {
		return
	}
	s, err := d.v.seals.SealByDigest(d.ctx, ref.Digest)
	switch {
	case errors.Is(err, model.ErrNotFound):
		rep.addError(ReasonSealUnknown, fmt.Sprintf("the seal %q (SM3 %x) is not one of the agency's seals", ref.ESID, ref.Digest))
		return
	case err != nil:
		rep.addError(ReasonRegistryUnavailable, "seal registry: "+err.Error())
		return
	}
	sr.ID, sr.Name, sr.Status = s.ID, s.Name, s.Status
	if s.Status == sealActive {
		return
	}
	if note, ok := servedAt(s, at); ok {
		rep.Notes = append(rep.Notes, note)
		return
	}
	rep.addError(ReasonSealNotActive, fmt.Sprintf("the seal %s (%s) is %s, not active", s.ID, s.Name, s.Status))
}

// servedAt reports whether a replaced or expired seal was still in
// service at t, with a note saying what happened to it since.
func servedAt(s model.Seal, t time.Time) (string, bool) {
	if t.IsZero() || (!s.ValidFrom.IsZero() && t.Before(s.ValidFrom)) {
		return "", false
	}
	switch s.Status {
	case model.SealReplaced:
		if s.StatusChangedAt != nil && !t.After(*s.StatusChangedAt) && (s.ValidUntil.IsZero() || !t.After(s.ValidUntil)) {
			return fmt.Sprintf("the seal %s was replaced on %s, after this signature was made", s.ID, s.StatusChangedAt.UTC().Format(time.DateOnly)), true
		}
	case model.SealExpired:
		if !s.ValidUntil.IsZero() && !t.After(s.ValidUntil) {
			return fmt.Sprintf("the seal %s expired on %s, after this signature was made", s.ID, s.ValidUntil.UTC().Format(time.DateOnly)), true
		}
	}
	return "", false
}
