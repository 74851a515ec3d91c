package storetest

import (
	"testing"
	"time"

	"sihub/model"
	"sihub/store"
)

func message(id, recipient string, created time.Duration) model.Message {
	return model.Message{ID: id, Recipient: recipient, Kind: "seal.expiry",
		Subject: "印章即将到期", Body: "业务专用章 (sm2) 将于 30 天后到期", Link: "/ca/seals/" + id,
		CreatedAt: at(created)}
}

// testMessages stores messages to accounts and roles and lists them per
// recipient set, newest first, with a limit; marking one read keeps the
// first time.
func testMessages(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	role := model.RoleRecipient(model.AccountCAAdmin)
	list, err := s.MessagesFor(c, []string{role}, 0)
	must(t, "MessagesFor on an empty store", err)
	if len(list) != 0 {
		t.Errorf("MessagesFor on an empty store = %+v", list)
	}
	m1 := message("m1", role, time.Hour)
	m2 := message("m2", "caadmin", 3*time.Hour)
	m3 := message("m3", "caadmin2", 2*time.Hour)
	m4 := message("m4", role, 4*time.Hour)
	m4.CreatedAt = m4.CreatedAt.In(beijing)
	for _, m := range []model.Message{m1, m2, m3, m4} {
		must(t, "PutMessage", s.PutMessage(c, m))
	}
	list, err = s.MessagesFor(c, []string{"caadmin", role}, 0)
	must(t, "MessagesFor", err)
	wantSame(t, "MessagesFor(caadmin and its role), newest first", list, []model.Message{m4, m2, m1})
	list, err = s.MessagesFor(c, []string{"caadmin", role}, 2)
	must(t, "MessagesFor with a limit", err)
	wantSame(t, "MessagesFor(…, 2)", list, []model.Message{m4, m2})
	list, err = s.MessagesFor(c, []string{"caadmin2"}, 0)
	must(t, "MessagesFor", err)
	wantSame(t, "MessagesFor(caadmin2)", list, []model.Message{m3})
	list, err = s.MessagesFor(c, nil, 0)
	must(t, "MessagesFor(no recipients)", err)
	if len(list) != 0 {
		t.Errorf("MessagesFor without recipients = %+v", list)
	}

	wantConflict(t, "PutMessage of a taken id", s.PutMessage(c, message("m1", "other", 0)))
	read := at(5 * time.Hour)
	must(t, "MarkMessageRead", s.MarkMessageRead(c, "m2", read))
	must(t, "MarkMessageRead (again, later)", s.MarkMessageRead(c, "m2", at(6*time.Hour)))
	wantNotFound(t, "MarkMessageRead of a missing id", s.MarkMessageRead(c, "nope", read))
	m2.ReadAt = &read
	list, err = s.MessagesFor(c, []string{"caadmin"}, 0)
	must(t, "MessagesFor", err)
	wantSame(t, "MessagesFor after MarkMessageRead (first time kept)", list, []model.Message{m2})
}

// testMessageDedup: a DedupKey is unique, messages without one are not
// held to each other, and an empty ID gets one.
func testMessageDedup(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	role := model.RoleRecipient(model.AccountCAAdmin)
	first := message("", role, time.Hour)
	first.DedupKey = "seal.expiry:s1:2026-03-01"
	must(t, "PutMessage with a dedup key", s.PutMessage(c, first))
	second := message("", role, 2*time.Hour)
	second.DedupKey = first.DedupKey
	wantConflict(t, "PutMessage of a taken dedup key", s.PutMessage(c, second))
	for range 2 {
		must(t, "PutMessage without a dedup key", s.PutMessage(c, message("", role, 3*time.Hour)))
	}
	list, err := s.MessagesFor(c, []string{role}, 0)
	must(t, "MessagesFor", err)
	if len(list) != 3 {
		t.Fatalf("MessagesFor = %d messages, want 3 (one per dedup key, both without): %+v", len(list), list)
	}
	ids := map[string]bool{}
	for _, m := range list {
		if m.ID == "" || ids[m.ID] {
			t.Errorf("message without a distinct ID: %+v", m)
		}
		ids[m.ID] = true
	}
	if list[2].DedupKey != first.DedupKey || !list[2].CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("the oldest message = %+v, want the first with the dedup key", list[2])
	}
}
