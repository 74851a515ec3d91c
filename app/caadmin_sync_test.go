package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"sihub/hsm"
	"sihub/model"
	"sihub/portal"
	"sihub/signer"
)

// Two instances over one data directory: what one administrator changes
// through the first reaches the second's sealing at its next sync.
func TestSyncSealsFollowsAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	a := testApp(t, dir, nil)
	defer a.Close()
	b := testApp(t, dir, nil)
	defer b.Close()
	ctx := context.Background()
	dev, _ := b.PKI.Seal(hsm.SM2)
	issueB := func() (*signer.Issued, error) {
		return b.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Algorithms: []string{"sm2"}})
	}
	sync := func() {
		t.Helper()
		if err := b.CAAdmin().SyncSeals(ctx); err != nil {
			t.Fatal(err)
		}
	}
	sync()
	if cur, _ := b.PKI.Seal(hsm.SM2); cur != dev {
		t.Fatal("a sync without changes replaced the seal")
	}

	req, err := a.CAAdmin().RequestSeal(ctx, DemoCAAdmin, portal.SealRequest{Name: "业务专用章", Alg: "sm2", Replaces: dev.Seal.ID})
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.CAAdmin().ApproveSeal(ctx, DemoCAAdmin2, req.ID)
	if err != nil {
		t.Fatal(err)
	}
	sync()
	if cur, _ := b.PKI.Seal(hsm.SM2); cur.Seal.ID != s.ID || cur.Seal.Status != model.SealActive || cur.Key == nil {
		t.Fatalf("after sync the second instance seals with %s %s, want %s", cur.Seal.ID, cur.Seal.Status, s.ID)
	}
	doc, err := issueB()
	if err != nil || doc.Document.SealIDs[0] != s.ID {
		t.Fatalf("the second instance issued with %v: %v", doc, err)
	}
	if r := b.Verifier.Verify(ctx, doc.PDF); !r.Valid {
		t.Fatalf("a document the second instance sealed with the new seal: %+v", r.Signatures)
	}

	if _, err := a.CAAdmin().SuspendSeal(ctx, DemoCAAdmin, s.ID, "检修"); err != nil {
		t.Fatal(err)
	}
	sync()
	if _, err := issueB(); err == nil || !strings.Contains(err.Error(), s.ID) || !strings.Contains(err.Error(), "suspended") {
		t.Fatalf("the second instance after the suspension elsewhere: %v", err)
	}
	if _, err := a.CAAdmin().ResumeSeal(ctx, DemoCAAdmin2, s.ID); err != nil {
		t.Fatal(err)
	}
	sync()
	if _, err := issueB(); err != nil {
		t.Fatalf("the second instance after the resumption elsewhere: %v", err)
	}
}

// Issuing while an administrator suspends and resumes the seal: each
// issuance either seals with the active seal or is refused naming the
// suspension; nothing in between.
func TestIssueDuringSuspension(t *testing.T) {
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	ctx := context.Background()
	dev, _ := a.PKI.Seal(hsm.SM2)
	errc := make(chan error, 64)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Algorithms: []string{"sm2"}})
				switch {
				case err == nil && iss.Document.SealIDs[0] != dev.Seal.ID:
					errc <- fmt.Errorf("sealed by %v", iss.Document.SealIDs)
				case err != nil && !strings.Contains(err.Error(), "suspended"):
					errc <- err
				}
			}
		})
	}
	for range 3 {
		if _, err := a.CAAdmin().SuspendSeal(ctx, DemoCAAdmin, dev.Seal.ID, "检修"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.CAAdmin().ResumeSeal(ctx, DemoCAAdmin2, dev.Seal.ID); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}
