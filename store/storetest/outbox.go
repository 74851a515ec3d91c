package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sihub/model"
	"sihub/store"
)

func outboxMessage(id string, due time.Duration) model.OutboxMessage {
	return model.OutboxMessage{ID: id, Channel: model.ChannelSMS, Recipient: "110105199003071239",
		Address: "13800138000", Kind: "document.issued", Body: "张*，您的参保证明已出具",
		Link: "/me/documents/" + id, DocumentCode: id, Status: model.OutboxPending,
		NextAttemptAt: at(due), CreatedAt: at(0)}
}

// testOutbox stores outbox messages, lists the due ones earliest first
// with a limit, and changes one only from the state the caller names.
func testOutbox(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	_, err := s.OutboxMessage(c, "o1")
	wantNotFound(t, "OutboxMessage on an empty store", err)
	o1, o2, o3 := outboxMessage("o1", time.Hour), outboxMessage("o2", 2*time.Hour), outboxMessage("o3", 3*time.Hour)
	o2.NextAttemptAt = o2.NextAttemptAt.In(beijing)
	o3.Channel, o3.Address = model.ChannelEmail, "holder@example.cn"
	for _, m := range []model.OutboxMessage{o3, o1, o2} {
		must(t, "PutOutbox", s.PutOutbox(c, m))
	}
	dup := o1
	dup.Body = "another"
	wantConflict(t, "PutOutbox with a taken ID", s.PutOutbox(c, dup))
	got, err := s.OutboxMessage(c, "o1")
	must(t, "OutboxMessage", err)
	wantSame(t, "OutboxMessage after a conflicting put", got, o1)

	due, err := s.DueOutbox(c, at(2*time.Hour), 0)
	must(t, "DueOutbox", err)
	wantSame(t, "DueOutbox at 2h", due, []model.OutboxMessage{o1, o2})
	due, err = s.DueOutbox(c, at(5*time.Hour).In(beijing), 2)
	must(t, "DueOutbox with a limit", err)
	wantSame(t, "DueOutbox at 5h, limit 2", due, []model.OutboxMessage{o1, o2})
	due, err = s.DueOutbox(c, at(30*time.Minute), 0)
	must(t, "DueOutbox before any is due", err)
	if len(due) != 0 {
		t.Errorf("DueOutbox before any is due = %+v", due)
	}

	// Take o1 (attempt 1, leased for 5 minutes): it is no longer due.
	taken := o1
	taken.Attempts, taken.NextAttemptAt = 1, at(time.Hour+5*time.Minute)
	must(t, "UpdateOutbox taking o1", s.UpdateOutbox(c, taken, 0))
	wantConflict(t, "UpdateOutbox from a stale attempt count", s.UpdateOutbox(c, taken, 0))
	due, err = s.DueOutbox(c, at(time.Hour+time.Minute), 0)
	must(t, "DueOutbox while o1 is leased", err)
	if len(due) != 0 {
		t.Errorf("DueOutbox while o1 is leased = %+v", due)
	}
	sent := taken
	sentAt := at(time.Hour + time.Minute)
	sent.Status, sent.SentAt = model.OutboxSent, &sentAt
	must(t, "UpdateOutbox marking o1 sent", s.UpdateOutbox(c, sent, 1))
	got, err = s.OutboxMessage(c, "o1")
	must(t, "OutboxMessage after sending", err)
	wantSame(t, "o1 after sending", got, sent)
	wantConflict(t, "UpdateOutbox of a sent message", s.UpdateOutbox(c, sent, 1))
	due, err = s.DueOutbox(c, at(10*time.Hour), 0)
	must(t, "DueOutbox after sending o1", err)
	wantSame(t, "DueOutbox after sending o1", due, []model.OutboxMessage{o2, o3})

	missing := outboxMessage("o9", 0)
	wantNotFound(t, "UpdateOutbox of a missing message", s.UpdateOutbox(c, missing, 0))
}

// testOutboxConcurrent has several dispatchers take the same messages at
// once: each message goes to exactly one of them.
func testOutboxConcurrent(t *testing.T, s store.Store, o Options) {
	c := ctx(t)
	const n = 10
	for i := range n {
		must(t, "PutOutbox", s.PutOutbox(c, outboxMessage(fmt.Sprintf("c%02d", i), time.Duration(i)*time.Second)))
	}
	var wins [n]atomic.Int32
	var wg sync.WaitGroup
	for range o.Goroutines {
		wg.Go(func() {
			for i := range n {
				m := outboxMessage(fmt.Sprintf("c%02d", i), time.Duration(i)*time.Second)
				m.Attempts, m.NextAttemptAt = 1, at(time.Hour)
				if err := s.UpdateOutbox(c, m, 0); err == nil {
					wins[i].Add(1)
				} else if !errors.Is(err, model.ErrConflict) {
					t.Errorf("UpdateOutbox %s: %v", m.ID, err)
				}
			}
		})
	}
	wg.Wait()
	for i := range n {
		if w := wins[i].Load(); w != 1 {
			t.Errorf("message c%02d was taken %d times, want once", i, w)
		}
	}
}
