package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sihub/hsm"
	"sihub/model"
	"sihub/signer"
)

// The daily expiry check puts one message per seal or certificate and day
// to the CA administrators, 30 days ahead; once a seal's validity is over
// the sweep marks it expired and it seals nothing more.
func TestExpiryMessagesAndSweep(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = func() time.Time { return now } })
	defer a.Close()
	ctx := context.Background()
	c := a.CAAdmin()
	inbox := func(login, role string) []model.Message {
		t.Helper()
		ms, err := c.Messages(ctx, login, role)
		if err != nil {
			t.Fatal(err)
		}
		return ms
	}
	if _, err := a.WarnExpiring(ctx); err != nil {
		t.Fatal(err)
	}
	if ms := inbox(DemoCAAdmin, model.AccountCAAdmin); len(ms) != 0 {
		t.Fatalf("fresh instance: %d messages", len(ms))
	}
	sm2, _ := a.PKI.Seal(hsm.SM2)
	now = sm2.Seal.ValidUntil.Add(-10 * 24 * time.Hour)
	if n, err := a.WarnExpiring(ctx); err != nil || n != 4 {
		t.Fatalf("ten days before the seals end: %d warnings, %v", n, err)
	}
	ms := inbox(DemoCAAdmin, model.AccountCAAdmin)
	kinds := map[string]int{}
	var sealMsg *model.Message
	for i, m := range ms {
		kinds[m.Kind]++
		if m.Recipient != "role:ca-admin" || !m.CreatedAt.Equal(now) {
			t.Errorf("message %+v: want to role:ca-admin at %v", m, now)
		}
		if m.Link == "/ca/seals/"+sm2.Seal.ID {
			sealMsg = &ms[i]
		}
	}
	if kinds["seal.expiry"] != 2 || kinds["certificate.expiry"] != 2 || sealMsg == nil {
		t.Fatalf("messages %+v", ms)
	}
	if !strings.Contains(sealMsg.Subject, sm2.Seal.Name) || !strings.Contains(sealMsg.Subject, "10 天") {
		t.Errorf("seal message subject %q", sealMsg.Subject)
	}
	// The second administrator sees the same; a clerk nothing.
	if got := inbox(DemoCAAdmin2, model.AccountCAAdmin); len(got) != 4 {
		t.Errorf("caadmin2: %d messages, want 4", len(got))
	}
	if got := inbox(DemoClerk, model.AccountClerk); len(got) != 0 {
		t.Errorf("a clerk got %d CA messages", len(got))
	}
	if err := c.MarkMessageRead(ctx, DemoClerk, model.AccountClerk, sealMsg.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a clerk marking a CA message read: %v", err)
	}
	if err := c.MarkMessageRead(ctx, DemoCAAdmin2, model.AccountCAAdmin, sealMsg.ID); err != nil {
		t.Fatal(err)
	}
	for _, m := range inbox(DemoCAAdmin, model.AccountCAAdmin) {
		if (m.ID == sealMsg.ID) != (m.ReadAt != nil) {
			t.Errorf("message %s read at %v after marking only %s", m.ID, m.ReadAt, sealMsg.ID)
		}
	}
	// Later the same day: no second message; the next day: one more each.
	now = now.Add(3 * time.Hour)
	if _, err := a.WarnExpiring(ctx); err != nil {
		t.Fatal(err)
	}
	if got := inbox(DemoCAAdmin, model.AccountCAAdmin); len(got) != 4 {
		t.Fatalf("a second check the same day: %d messages, want 4", len(got))
	}
	now = now.Add(24 * time.Hour)
	if _, err := a.WarnExpiring(ctx); err != nil {
		t.Fatal(err)
	}
	if got := inbox(DemoCAAdmin, model.AccountCAAdmin); len(got) != 8 || !strings.Contains(got[0].Subject, "8 天") {
		t.Fatalf("the next day: %d messages (newest %q), want 8", len(got), got[0].Subject)
	}

	// Validity over: the sweep expires both seals and they stop sealing.
	now = sm2.Seal.ValidUntil.Add(time.Minute)
	if n, err := c.ExpireSeals(ctx); err != nil || n != 2 {
		t.Fatalf("ExpireSeals: %d, %v", n, err)
	}
	if n, _ := c.ExpireSeals(ctx); n != 0 {
		t.Fatalf("a second sweep expired %d seals", n)
	}
	if s, _ := c.Seal(ctx, sm2.Seal.ID); s.Status != model.SealExpired || s.StatusChangedBy != "system" {
		t.Fatalf("seal after the sweep: %s by %s", s.Status, s.StatusChangedBy)
	}
	if es, _ := a.Store.AuditEntries(ctx, time.Time{}, "seal.expire", sm2.Seal.ID, 0); len(es) != 1 || es[0].Actor != "system" {
		t.Fatalf("seal.expire audit: %+v", es)
	}
	_, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Algorithms: []string{"sm2"}})
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("issuing with an expired seal: %v", err)
	}
}
