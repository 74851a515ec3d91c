package certs

import (
	"bytes"
	"context"
	"testing"

	"sihub/certs/seal"
	"sihub/hsm"
)

func TestSESealPerSeal(t *testing.T) {
	ctx := context.Background()
	p, st, _ := ensure(t)
	sm2Issuing, _ := p.Issuing(hsm.SM2)
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		m, _ := p.Seal(alg)
		if len(m.Seal.SESeal) == 0 {
			t.Fatalf("%s: seal has no SESeal", alg)
		}
		s, err := seal.Parse(m.Seal.SESeal)
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		if err := s.Verify(seal.VerifyOptions{Time: testNow, SealCertificate: m.Certificate}); err != nil {
			t.Fatalf("%s: SESeal does not verify: %v", alg, err)
		}
		if !bytes.Equal(s.MakerCertificate, sm2Issuing.Raw) {
			t.Fatalf("%s: SESeal maker is not the SM2 issuing CA", alg)
		}
		if s.Info.Property.Name != BusinessSealName {
			t.Fatalf("%s: SESeal name %q", alg, s.Info.Property.Name)
		}
		rec, err := st.Seal(ctx, m.Seal.ID)
		if err != nil || !bytes.Equal(rec.SESeal, m.Seal.SESeal) {
			t.Fatalf("%s: stored seal lacks the SESeal (%v)", alg, err)
		}
	}
}

// A seal stored before SESeals existed gets one on the next start, and
// the seal itself is kept.
func TestSESealAddedToOldSeal(t *testing.T) {
	ctx := context.Background()
	p1, st, _ := ensure(t)
	m1, _ := p1.Seal(hsm.P256)
	old := m1.Seal
	old.SESeal = nil
	if err := st.PutSeal(ctx, old); err != nil {
		t.Fatal(err)
	}
	p2, err := EnsureDevelopmentPKI(ctx, newBackend(t, st), st, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := p2.Seal(hsm.P256)
	if m2.Seal.ID != old.ID || len(m2.Seal.SESeal) == 0 {
		t.Fatalf("seal %s (was %s) has %d bytes of SESeal", m2.Seal.ID, old.ID, len(m2.Seal.SESeal))
	}
	rec, _ := st.Seal(ctx, old.ID)
	if !bytes.Equal(rec.SESeal, m2.Seal.SESeal) {
		t.Fatal("the made SESeal was not stored")
	}
}
