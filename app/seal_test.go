package app

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"sihub/hsm"
	"sihub/signer"
	"sihub/verifier"
)

// The verifier gives one verdict for certificate and seal: a document
// sealed with a seal that is no longer active is not valid, and valid again
// once the seal is restored. The status is changed in the store directly,
// as another process would: it counts once the registry's record time
// (sealRecordFor) is up.
func TestSealStatusDecidesValidity(t *testing.T) {
	dir := t.TempDir()
	var ahead atomic.Int64 // how far the instance's clock is ahead of time.Now
	a := testApp(t, dir, func(c *Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	})
	defer a.Close()
	ctx := context.Background()
	iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID,
		Algorithms: []string{"sm2", "p256"}, Actor: DemoPersonID})
	if err != nil {
		t.Fatal(err)
	}
	sm2Seal, err := a.PKI.Seal(hsm.SM2)
	if err != nil {
		t.Fatal(err)
	}
	p256Seal, err := a.PKI.Seal(hsm.P256)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs := []string{sm2Seal.Seal.ID, p256Seal.Seal.ID}

	check := func(what string, wantValid bool, wantStatus []string) *verifier.Report {
		t.Helper()
		r := a.Verifier.Verify(ctx, iss.PDF)
		if r.Valid != wantValid {
			t.Fatalf("%s: valid=%v, want %v: %+v", what, r.Valid, wantValid, r.Signatures)
		}
		if len(r.Signatures) != 2 {
			t.Fatalf("%s: %d signatures", what, len(r.Signatures))
		}
		for i, s := range r.Signatures {
			if s.Seal == nil || s.Seal.ID != wantIDs[i] || s.Seal.Name != sm2Seal.Seal.Name || s.Seal.Status != wantStatus[i] {
				t.Fatalf("%s: signature %d seal %+v, want %s %s", what, i, s.Seal, wantIDs[i], wantStatus[i])
			}
		}
		return r
	}
	check("as issued", true, []string{"active", "active"})

	rec, err := a.Store.Seal(ctx, sm2Seal.Seal.ID)
	if err != nil {
		t.Fatal(err)
	}
	rec.Status = "revoked"
	if err := a.Store.PutSeal(ctx, rec); err != nil {
		t.Fatal(err)
	}
	check("revoked in the store, within the record time", true, []string{"active", "active"})
	ahead.Add(int64(sealRecordFor))
	r := check("SM2 seal revoked", false, []string{"revoked", "active"})
	if !hasCode(r.Signatures[0].Errors, verifier.ReasonSealNotActive) || len(r.Signatures[1].Errors) != 0 {
		t.Fatalf("want seal_not_active on the SM2 signature only: %+v / %+v", r.Signatures[0].Errors, r.Signatures[1].Errors)
	}
	if !r.Signatures[0].IntegrityValid || !r.Signatures[0].ChainTrusted {
		t.Fatal("the certificate and integrity checks should still pass")
	}

	// An offline check over the same data directory sees the same status.
	v, err := OpenVerification(ctx, a.Config, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := v.Verifier.Verify(ctx, iss.PDF); r.Valid || !r.HasReason(verifier.ReasonSealNotActive) {
		t.Fatalf("offline verification: valid=%v %+v", r.Valid, r.Signatures)
	}
	v.Close()

	rec.Status = "active"
	if err := a.Store.PutSeal(ctx, rec); err != nil {
		t.Fatal(err)
	}
	ahead.Add(int64(sealRecordFor))
	check("SM2 seal restored", true, []string{"active", "active"})
}

func hasCode(ps []verifier.Problem, code verifier.Reason) bool {
	for _, p := range ps {
		if p.Code == code {
			return true
		}
	}
	return false
}
