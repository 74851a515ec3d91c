package storetest

import (
	"testing"
	"time"

	"sihub/model"
	"sihub/store"
)

// issuance is the i-th test document of subject with its audit entry, its
// in-platform notice and an SMS.
func issuance(subject string, i int) model.Issuance {
	d := document(subject, i)
	key := "document.issued:" + d.Code
	sms := outboxMessage(key+":sms", time.Hour)
	sms.Recipient, sms.DocumentCode = subject, d.Code
	return model.Issuance{
		Document: d,
		PDF:      pdfOf(d.Code, int(d.Size)),
		Audit: model.AuditEntry{Time: d.IssuedAt, Actor: "clerk", Action: "document.issue", Object: d.Code,
			Outcome: "ok", Detail: "kind=" + d.Kind},
		Messages: []model.Message{{Recipient: subject, Kind: "document.issued", Subject: "参保证明已出具",
			Body: "您的参保证明已出具。", Link: "/me/documents/" + d.Code, DedupKey: key, CreatedAt: d.IssuedAt}},
		Outbox: []model.OutboxMessage{sms},
	}
}

// wantIssued checks that every part of is was stored.
func wantIssued(t *testing.T, s store.Store, is model.Issuance) {
	t.Helper()
	c := ctx(t)
	wantDoc(t, s, is.Document)
	audit, err := s.AuditEntries(c, time.Time{}, is.Audit.Action, is.Audit.Object, 0)
	must(t, "AuditEntries", err)
	if len(audit) != 1 || audit[0].ID == "" || audit[0].Actor != is.Audit.Actor || !audit[0].Time.Equal(is.Audit.Time) {
		t.Errorf("audit entries of %s = %+v, want the one stored with it", is.Document.Code, audit)
	}
	ms, err := s.MessagesFor(c, []string{is.Document.Subject}, 0)
	must(t, "MessagesFor", err)
	found := false
	for _, m := range ms {
		if m.DedupKey == is.Messages[0].DedupKey {
			found = m.ID != "" && m.Body == is.Messages[0].Body
		}
	}
	if !found {
		t.Errorf("messages of %s = %+v, want the notice stored with %s", is.Document.Subject, ms, is.Document.Code)
	}
	o, err := s.OutboxMessage(c, is.Outbox[0].ID)
	must(t, "OutboxMessage", err)
	wantSame(t, "OutboxMessage stored with "+is.Document.Code, o, is.Outbox[0])
}

// testPutIssued stores a document with its audit entry and notices in one
// call; a taken code, number or idempotency key writes nothing of the
// second issuance; a notice already stored (a repeated dedup key or
// outbox ID) is left out without an error.
func testPutIssued(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	first := issuance(subjectA, 1)
	first.Document.IdempotencyKey = "req-issued-1"
	must(t, "PutIssued", s.PutIssued(c, first))
	wantIssued(t, s, first)

	for name, mod := range map[string]func(*model.Issuance){
		"code":            func(is *model.Issuance) { is.Document.Code = first.Document.Code },
		"number":          func(is *model.Issuance) { is.Document.Number = first.Document.Number },
		"idempotency key": func(is *model.Issuance) { is.Document.IdempotencyKey = first.Document.IdempotencyKey },
	} {
		again := issuance(subjectB, 2)
		mod(&again)
		wantConflict(t, "PutIssued with a taken "+name, s.PutIssued(c, again))
		if again.Document.Code != first.Document.Code {
			wantAbsent(t, s, again.Document.Code)
		}
		audit, err := s.AuditEntries(c, time.Time{}, "document.issue", again.Document.Code, 0)
		must(t, "AuditEntries", err)
		if again.Document.Code != first.Document.Code && len(audit) != 0 {
			t.Errorf("a refused issuance (taken %s) left audit entries %+v", name, audit)
		}
		ms, err := s.MessagesFor(c, []string{subjectB}, 0)
		must(t, "MessagesFor", err)
		if len(ms) != 0 {
			t.Errorf("a refused issuance (taken %s) left messages %+v", name, ms)
		}
		_, err = s.OutboxMessage(c, again.Outbox[0].ID)
		if again.Outbox[0].ID != first.Outbox[0].ID {
			wantNotFound(t, "OutboxMessage of a refused issuance (taken "+name+")", err)
		}
	}

	// The notices of the second document were written before (a
	// reconciliation pass, say): the document is stored, the notices kept.
	second := issuance(subjectA, 2)
	earlier := second.Messages[0]
	earlier.Body = "written earlier"
	must(t, "PutMessage", s.PutMessage(c, earlier))
	must(t, "PutOutbox", s.PutOutbox(c, second.Outbox[0]))
	must(t, "PutIssued with notices already stored", s.PutIssued(c, second))
	wantDoc(t, s, second.Document)
	ms, err := s.MessagesFor(c, []string{subjectA}, 0)
	must(t, "MessagesFor", err)
	n := 0
	for _, m := range ms {
		if m.DedupKey == earlier.DedupKey {
			n++
			if m.Body != earlier.Body {
				t.Errorf("the notice written earlier was replaced: %+v", m)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d messages with dedup key %s, want 1", n, earlier.DedupKey)
	}
}
