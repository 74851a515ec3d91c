package certs

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"sihub/certs/seal"
	"sihub/hsm"
	"sihub/model"
)

// A seal made for an approved request has its key in the backend, a seal
// certificate from the current issuing CA (stored with its KeyURI) and an
// SESeal that lists that certificate; activated, it is the seal its
// algorithm seals with; stopped, it stays in place with its status and
// without its key.
func TestMakeActivateDeactivateSeal(t *testing.T) {
	ctx := context.Background()
	p, st, keys := ensure(t)
	dev, _ := p.Seal(hsm.SM2)
	req := model.Seal{ID: "seal-sm2-contract", Name: "合同专用章", Alg: "sm2", Status: model.SealRequested, RequestedBy: "a1"}
	m, err := MakeSeal(ctx, p, st, testConfig(), req)
	if err != nil {
		t.Fatal(err)
	}
	s := m.Seal
	if s.Status != model.SealActive || s.Agency != testAgency || s.RequestedBy != "a1" || s.KeyID == "" || len(s.SESeal) == 0 {
		t.Fatalf("made seal %+v", s)
	}
	if _, err := keys.Find(ctx, s.KeyID); err != nil {
		t.Fatalf("the seal key is not in the backend: %v", err)
	}
	issuing, _ := p.Issuing(hsm.SM2)
	if err := m.Certificate.CheckSignatureFrom(issuing); err != nil {
		t.Fatalf("seal certificate not from the current issuing CA: %v", err)
	}
	rec, err := st.Certificate(ctx, s.CertSerial)
	if err != nil || rec.Role != model.RoleSeal || rec.Status != CertGood || rec.KeyID != s.KeyID || !bytes.Equal(rec.DER, m.Certificate.Raw) {
		t.Fatalf("stored certificate %+v %v", rec, err)
	}
	if !s.ValidFrom.Equal(m.Certificate.NotBefore) || !s.ValidUntil.Equal(m.Certificate.NotAfter) {
		t.Fatalf("seal validity %v–%v, certificate %v–%v", s.ValidFrom, s.ValidUntil, m.Certificate.NotBefore, m.Certificate.NotAfter)
	}
	parsed, err := seal.Parse(s.SESeal)
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Info.Property.Name != "合同专用章" || len(parsed.Info.Property.Certificates) != 1 ||
		!bytes.Equal(parsed.Info.Property.Certificates[0], m.Certificate.Raw) {
		t.Fatalf("SESeal property %+v does not name the seal certificate", parsed.Info.Property)
	}

	if cur, _ := p.Seal(hsm.SM2); cur.Seal.ID != dev.Seal.ID {
		t.Fatal("a made seal took over before it was activated")
	}
	if err := st.PutSeal(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := p.ActivateSeal(m); err != nil {
		t.Fatal(err)
	}
	if cur, _ := p.Seal(hsm.SM2); cur != m {
		t.Fatal("the activated seal is not the SM2 seal")
	}
	if byID, err := p.SealByID(s.ID); err != nil || byID != m {
		t.Fatalf("SealByID after activation: %v", err)
	}
	if cur, _ := p.Seal(hsm.P256); cur.Seal.Alg != "p256" {
		t.Fatal("activating an SM2 seal changed the P-256 seal")
	}

	s.Status = model.SealSuspended
	p.DeactivateSeal(s)
	cur, _ := p.Seal(hsm.SM2)
	if cur.Seal.ID != s.ID || cur.Seal.Status != model.SealSuspended || cur.Key != nil || cur.Certificate != m.Certificate {
		t.Fatalf("after DeactivateSeal: %s %s key=%v", cur.Seal.ID, cur.Seal.Status, cur.Key)
	}
	if m.Seal.Status != model.SealActive || m.Key == nil {
		t.Fatal("DeactivateSeal changed the material it replaced (readers may hold it)")
	}
	if err := p.ActivateSeal(cur); !errors.Is(err, ErrSealState) {
		t.Fatalf("ActivateSeal of a suspended seal: %v", err)
	}

	// Resumed: loaded back from the store with its key.
	s.Status = model.SealActive
	loaded, err := LoadSeal(ctx, p, st, s)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Key == nil || loaded.Key.ID() != s.KeyID || !bytes.Equal(loaded.Certificate.Raw, m.Certificate.Raw) || loaded.Chain[0].SerialNumber.Cmp(issuing.SerialNumber) != 0 {
		t.Fatal("LoadSeal material differs from the made seal")
	}
	rec.Status = "revoked"
	st.PutCertificate(ctx, rec)
	if _, err := LoadSeal(ctx, p, st, s); !errors.Is(err, ErrSealState) {
		t.Fatalf("LoadSeal of a seal with a revoked certificate: %v", err)
	}
	if _, err := MakeSeal(ctx, p, st, testConfig(), model.Seal{ID: "x", Name: "x", Alg: "rsa3072"}); !errors.Is(err, ErrSealState) {
		t.Fatalf("MakeSeal of an algorithm without hierarchy: %v", err)
	}
}

// At load, the newest approved active seal is chosen; when the lifecycle
// stopped every seal of an algorithm, the last one stopped is loaded with
// its status and no development seal is made in its place.
func TestLoadFollowsTheLifecycle(t *testing.T) {
	ctx := context.Background()
	p, st, _ := ensure(t)
	dev, _ := p.Seal(hsm.SM2)
	approved := testNow.Add(time.Hour)
	m, err := MakeSeal(ctx, p, st, testConfig(), model.Seal{ID: "seal-sm2-new", Name: BusinessSealName, Alg: "sm2", ApprovedAt: &approved})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutSeal(ctx, m.Seal); err != nil {
		t.Fatal(err)
	}
	reload := func() *PKI {
		t.Helper()
		p2, err := EnsureDevelopmentPKI(ctx, newBackend(t, st), st, testConfig())
		if err != nil {
			t.Fatal(err)
		}
		return p2
	}
	if cur, _ := reload().Seal(hsm.SM2); cur.Seal.ID != m.Seal.ID || cur.Key == nil {
		t.Fatalf("reload chose %s, want the newest approved %s", cur.Seal.ID, m.Seal.ID)
	}

	stop := func(s model.Seal, status string, at time.Duration) {
		when := testNow.Add(at)
		s.Status, s.StatusChangedAt = status, &when
		if err := st.PutSeal(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	stop(m.Seal, model.SealSuspended, 3*time.Hour)
	if cur, _ := reload().Seal(hsm.SM2); cur.Seal.ID != dev.Seal.ID || cur.Seal.Status != model.SealActive {
		t.Fatalf("with the new seal suspended, reload chose %s %s, want the still active %s", cur.Seal.ID, cur.Seal.Status, dev.Seal.ID)
	}
	stop(dev.Seal, model.SealRevoked, 2*time.Hour)
	before, _ := st.ListSeals(ctx)
	cur, _ := reload().Seal(hsm.SM2)
	if cur.Seal.ID != m.Seal.ID || cur.Seal.Status != model.SealSuspended || cur.Key != nil {
		t.Fatalf("every SM2 seal stopped: reload chose %s %s, want the last stopped %s, suspended, without key", cur.Seal.ID, cur.Seal.Status, m.Seal.ID)
	}
	if after, _ := st.ListSeals(ctx); len(after) != len(before) {
		t.Fatalf("reload made a development seal in place of stopped ones: %d seals, was %d", len(after), len(before))
	}
}

// An approved seal whose validity ended is not silently followed by a
// development seal: it is loaded as expired, and only an approval brings
// a new one. An expired development seal is renewed as before.
func TestLapsedApprovedSealIsNotRenewed(t *testing.T) {
	ctx := context.Background()
	p, st, _ := ensure(t)
	approved := testNow.Add(time.Hour)
	m, err := MakeSeal(ctx, p, st, testConfig(), model.Seal{ID: "seal-sm2-approved", Name: BusinessSealName, Alg: "sm2",
		ApprovedBy: "caadmin2", ApprovedAt: &approved})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutSeal(ctx, m.Seal); err != nil {
		t.Fatal(err)
	}
	before, _ := st.ListSeals(ctx)
	cfg := testConfig()
	cfg.Now = func() time.Time { return m.Seal.ValidUntil.Add(24 * time.Hour) }
	p2, err := EnsureDevelopmentPKI(ctx, newBackend(t, st), st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := p2.Seal(hsm.SM2)
	if cur.Seal.ID != m.Seal.ID || cur.Seal.Status != model.SealExpired || cur.Key != nil {
		t.Fatalf("after the approved SM2 seal lapsed: %s %s, want %s expired without key", cur.Seal.ID, cur.Seal.Status, m.Seal.ID)
	}
	after, _ := st.ListSeals(ctx)
	if len(after) != len(before)+1 {
		t.Fatalf("%d seals after reload, was %d: want only the P-256 development seal renewed", len(after), len(before))
	}
	if p256, _ := p2.Seal(hsm.P256); p256.Seal.Status != model.SealActive || p256.Key == nil {
		t.Fatalf("the expired P-256 development seal was not renewed: %s", p256.Seal.Status)
	}
}
