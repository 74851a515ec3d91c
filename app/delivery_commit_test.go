package app

import (
	"context"
	"testing"

	"sihub/model"
	"sihub/signer"
)

// TestIssueWritesDocumentAndNoticesInOneCommit: on the embedded store an
// issued document, its audit entry, its message and its SMS and email
// are one durable commit (the number is the other), and all are there
// when Issue returns.
func TestIssueWritesDocumentAndNoticesInOneCommit(t *testing.T) {
	a, _ := deliveryApp(t)
	ctx := context.Background()
	gc, ok := a.Store.(interface{ GroupCommitStats() (batches, jobs int64) })
	if !ok {
		// testApp opens the embedded store, which always group-commits:
		// a wrapper that hides it would make this test check nothing.
		t.Fatalf("store %T does not report its group commits", a.Store)
	}
	before, _ := gc.GroupCommitStats()
	iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Actor: "clerk"})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := gc.GroupCommitStats()
	if after-before != 2 {
		t.Errorf("issuing one document took %d commits, want 2 (number; document with audit entry and notices)", after-before)
	}
	code := iss.Document.Code
	if ms := inbox(t, a, DemoPersonID); len(ms) != 1 || ms[0].DedupKey != EventDocumentIssued+":"+code {
		t.Errorf("inbox = %+v", ms)
	}
	for _, ch := range []string{model.ChannelSMS, model.ChannelEmail} {
		outboxEntry(t, a, EventDocumentIssued, code, ch)
	}
	audit, err := a.Store.AuditEntries(ctx, iss.Document.IssuedAt.Add(-1), "document.issue", code, 0)
	if err != nil || len(audit) != 1 || audit[0].Actor != "clerk" {
		t.Errorf("audit entries of %s = %+v, %v", code, audit, err)
	}
}
