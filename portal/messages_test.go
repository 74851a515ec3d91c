package portal

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"sihub/model"
)

// memInbox is an in-memory Inbox with the store's semantics (newest
// first, a read message keeps its first time).
type memInbox struct {
	mu sync.Mutex
	ms []model.Message
}

func (b *memInbox) MessagesFor(_ context.Context, recipients []string, limit int) ([]model.Message, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []model.Message
	for i := len(b.ms) - 1; i >= 0; i-- { // stored oldest first
		for _, r := range recipients {
			if b.ms[i].Recipient == r {
				out = append(out, b.ms[i])
			}
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (b *memInbox) MarkMessageRead(_ context.Context, id string, at time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range b.ms {
		if b.ms[i].ID == id {
			if b.ms[i].ReadAt == nil {
				b.ms[i].ReadAt = &at
			}
			return nil
		}
	}
	return model.ErrNotFound
}

// TestMyMessages: the header counts a holder's unread messages; opening
// the inbox lists them newest first with their links, highlights the
// new ones this once and marks them read; another holder's messages are
// not shown.
func TestMyMessages(t *testing.T) {
	read := t0.Add(-time.Hour)
	box := &memInbox{ms: []model.Message{
		{ID: "m1", Recipient: zhangID, Kind: "document.issued", Subject: "参保证明（个人）已出具", Body: "张*，您的参保证明已出具。",
			Link: "/me/documents/" + oldCode, CreatedAt: t0.Add(-48 * time.Hour), ReadAt: &read},
		{ID: "m2", Recipient: liID, Kind: "document.withdrawn", Subject: "参保证明（个人）已撤回", Body: "李*的消息", CreatedAt: t0.Add(-2 * time.Hour)},
		{ID: "m3", Recipient: zhangID, Kind: "document.issued", Subject: "参保证明（个人）已重新出具", Body: "张*，您的参保证明已重新出具。",
			Link: "/me/documents/" + validCode, CreatedAt: t0.Add(-time.Hour)},
		{ID: "m4", Recipient: zhangID, Kind: "document.issued", Subject: "外部链接", Body: "不应成为链接", Link: "https://evil.example/x", CreatedAt: t0.Add(-30 * time.Minute)},
	}}
	e := newEnv(t, func(_ *Config, d *Deps) { d.Inbox = box })
	b := e.browser()
	b.mustLogin(zhangID, zhangPW)

	home := b.get("/me/documents")
	if !strings.Contains(home.Body, `消息 <span class="count" title="未读消息">2</span>`) {
		t.Fatalf("header lacks the unread count 2:\n%s", home.Body)
	}
	page := b.get("/me/messages")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("/me/messages: %d\n%s", page.StatusCode, page.Body)
	}
	i3, i1 := strings.Index(page.Body, "已重新出具"), strings.Index(page.Body, "您的参保证明已出具")
	if i3 < 0 || i1 < 0 || i3 > i1 {
		t.Errorf("messages not listed newest first:\n%s", page.Body)
	}
	if !strings.Contains(page.Body, `href="/me/documents/`+validCode+`"`) || strings.Contains(page.Body, "evil.example") {
		t.Errorf("links: want the local document link only:\n%s", page.Body)
	}
	if strings.Contains(page.Body, "李*的消息") {
		t.Errorf("another holder's message is shown")
	}
	if n := strings.Count(page.Body, `<li class="unread">`); n != 2 {
		t.Errorf("%d messages highlighted as new, want 2", n)
	}
	for _, m := range box.ms {
		if m.Recipient == zhangID && m.ReadAt == nil {
			t.Errorf("message %s is still unread after opening the inbox", m.ID)
		}
	}
	if box.ms[0].ReadAt == nil || !box.ms[0].ReadAt.Equal(read) {
		t.Errorf("an already read message got a new read time: %v", box.ms[0].ReadAt)
	}
	if again := b.get("/me/documents"); strings.Contains(again.Body, `title="未读消息"`) {
		t.Errorf("header still counts unread messages after opening the inbox")
	}
}

// TestMyMessagesNeedsLoginAndInbox: without a session the inbox asks to
// log in; without an Inbox it is unavailable and the header has no count.
func TestMyMessagesNeedsLoginAndInbox(t *testing.T) {
	e := newEnv(t, func(_ *Config, d *Deps) { d.Inbox = &memInbox{} })
	if r := e.browser().get("/me/messages"); r.StatusCode == http.StatusOK {
		t.Errorf("/me/messages without a session: %d", r.StatusCode)
	}
	bare := newEnv(t)
	b := bare.browser()
	b.mustLogin(zhangID, zhangPW)
	if r := b.get("/me/messages"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/me/messages without an Inbox: %d", r.StatusCode)
	}
}
