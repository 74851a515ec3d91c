package verifier

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"sihub/certs/cms"
	"sihub/certs/seal"
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
// seal.OIDAttributeSealReference): the SESeal's esID and SM3 digest, and,
// when the seal registry knows it, its id, name and lifecycle status.
type SealReport struct {
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	Status string `json:"status,omitempty"`
	ESID   string `json:"esid"`
	Digest string `json:"digest"` // SM3 of the SESeal's DER, hex
}

// checkSeal reads the seal reference of si, if any, and with a seal
// registry checks that the seal is known and active: a signature made
// with a seal that is revoked, suspended, expired or not yet approved is
// not valid, whatever its certificate. A signature without the attribute
// (documents from other producers) gets no seal check.
func (d *document) checkSeal(rep *SignatureReport, si *cms.SignerInfo) {
	attr, ok := si.Attribute(seal.OIDAttributeSealReference)
	if !ok {
		return
	}
	if len(attr.Values) != 1 {
		rep.addError(ReasonContentsInvalid, fmt.Sprintf("the seal reference attribute has %d values, not 1", len(attr.Values)))
		return
	}
	ref, err := seal.ParseReference(attr.Values[0])
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
	if s.Status != sealActive {
		rep.addError(ReasonSealNotActive, fmt.Sprintf("the seal %s (%s) is %s, not active", s.ID, s.Name, s.Status))
	}
}
