package verifier

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/seal"
	"sihub/model"
	"sihub/signer/pades"
)

// mapSeals is a seal registry keyed by the hex SM3 digest of the SESeal.
type mapSeals map[string]model.Seal

func (m mapSeals) SealByDigest(_ context.Context, digest []byte) (model.Seal, error) {
	s, ok := m[hex.EncodeToString(digest)]
	if !ok {
		return model.Seal{}, fmt.Errorf("seals: %x: %w", digest, model.ErrNotFound)
	}
	return s, nil
}

type failingSeals struct{}

func (failingSeals) SealByDigest(context.Context, []byte) (model.Seal, error) {
	return model.Seal{}, errors.New("seals: store is down")
}

// sealedWithReference seals the rendered certificate with the SM2 seal
// naming ref (nil: no seal reference).
func sealedWithReference(t *testing.T, ref *seal.Reference) []byte {
	t.Helper()
	prep, sealers := renderedPrepared(t, "sm2")
	sealers[0].SealReference = ref
	pdf, err := pades.Seal(prep, sealers)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

func TestSealReference(t *testing.T) {
	known := &seal.Reference{Digest: bytes.Repeat([]byte{1}, 32), ESID: "3702000000000000000001"}
	unknown := &seal.Reference{Digest: bytes.Repeat([]byte{2}, 32), ESID: "3702000000000000000002"}
	seals := mapSeals{hex.EncodeToString(known.Digest): {ID: "seal-sm2-1", Name: "业务专用章", Status: "active"}}
	root := testPKI(t, "sm2").Root
	now := testNow.Add(time.Hour)
	verifierWith := func(s SealRegistry) *Verifier {
		return New(Options{Roots: []*smx509.Certificate{root}, Now: func() time.Time { return now }, Seals: s})
	}
	ctx := context.Background()

	t.Run("known and active", func(t *testing.T) {
		r := verifierWith(seals).Verify(ctx, sealedWithReference(t, known))
		if !r.Valid {
			t.Fatalf("not valid: %v\n%s", reasons(r), dump(r))
		}
		s := r.Signatures[0].Seal
		if s == nil || s.ID != "seal-sm2-1" || s.Status != "active" || s.ESID != known.ESID || s.Digest != hex.EncodeToString(known.Digest) {
			t.Fatalf("seal report %+v", s)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		r := expectInvalid(t, verifierWith(seals), sealedWithReference(t, unknown), ReasonSealUnknown)
		if s := r.Signatures[0].Seal; s == nil || s.ESID != unknown.ESID || s.Status != "" {
			t.Fatalf("seal report %+v", s)
		}
		if r.Signatures[0].IntegrityValid != true || !r.Signatures[0].ChainTrusted {
			t.Fatalf("only the seal should fail:\n%s", dump(r))
		}
	})
	for _, status := range []string{"revoked", "suspended", "expired", "requested"} {
		t.Run(status, func(t *testing.T) {
			s := seals[hex.EncodeToString(known.Digest)]
			s.Status = status
			r := expectInvalid(t, verifierWith(mapSeals{hex.EncodeToString(known.Digest): s}), sealedWithReference(t, known), ReasonSealNotActive)
			if got := r.Signatures[0].Seal; got == nil || got.Status != status {
				t.Fatalf("seal report %+v", got)
			}
		})
	}
	// A seal replaced or expired after the document was sealed served when
	// it sealed: the signature stays valid with a note; one replaced or
	// expired before the signing time does not.
	day := 24 * time.Hour
	before, after := testNow.Add(-day), testNow.Add(day)
	for _, c := range []struct {
		name  string
		seal  model.Seal
		valid bool
	}{
		{"replaced after sealing", model.Seal{Status: model.SealReplaced, StatusChangedAt: &after, ValidFrom: testNow.Add(-30 * day), ValidUntil: testNow.Add(300 * day)}, true},
		{"replaced before sealing", model.Seal{Status: model.SealReplaced, StatusChangedAt: &before, ValidFrom: testNow.Add(-30 * day), ValidUntil: testNow.Add(300 * day)}, false},
		{"replaced, no date", model.Seal{Status: model.SealReplaced}, false},
		{"expired after sealing", model.Seal{Status: model.SealExpired, ValidFrom: testNow.Add(-30 * day), ValidUntil: after}, true},
		{"expired before sealing", model.Seal{Status: model.SealExpired, ValidFrom: testNow.Add(-30 * day), ValidUntil: before}, false},
		{"sealed before its validity", model.Seal{Status: model.SealExpired, ValidFrom: after, ValidUntil: after.Add(day)}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := c.seal
			s.ID, s.Name = "seal-sm2-1", "业务专用章"
			v := verifierWith(mapSeals{hex.EncodeToString(known.Digest): s})
			if !c.valid {
				expectInvalid(t, v, sealedWithReference(t, known), ReasonSealNotActive)
				return
			}
			r := v.Verify(ctx, sealedWithReference(t, known))
			if !r.Valid || len(r.Signatures[0].Notes) == 0 || !strings.Contains(strings.Join(r.Signatures[0].Notes, " "), "after this signature") {
				t.Fatalf("a seal that served at signing time: valid %v notes %q\n%s", r.Valid, r.Signatures[0].Notes, dump(r))
			}
		})
	}
	t.Run("registry down", func(t *testing.T) {
		expectInvalid(t, verifierWith(failingSeals{}), sealedWithReference(t, known), ReasonRegistryUnavailable)
	})
	t.Run("no registry", func(t *testing.T) {
		r := verifierWith(nil).Verify(ctx, sealedWithReference(t, unknown))
		if !r.Valid || r.Signatures[0].Seal == nil || r.Signatures[0].Seal.ESID != unknown.ESID {
			t.Fatalf("without a seal registry the reference is reported and not checked:\n%s", dump(r))
		}
	})
	t.Run("no reference", func(t *testing.T) {
		r := verifierWith(seals).Verify(ctx, sealedWithReference(t, nil))
		if !r.Valid || r.Signatures[0].Seal != nil {
			t.Fatalf("a signature naming no seal gets no seal check:\n%s", dump(r))
		}
		if slices.Contains(reasons(r), ReasonSealUnknown) {
			t.Fatal("seal_unknown without a seal reference")
		}
	})
}
