package portal

import (
	"context"
	"net/http"
	"time"

	"sihub/model"
)

// Inbox holds in-platform messages (store.Messages): a holder's notices
// of documents issued, reissued and withdrawn.
type Inbox interface {
	// MessagesFor lists the messages to any of recipients (logins and
	// model.RoleRecipient values), newest first, at most limit.
	MessagesFor(ctx context.Context, recipients []string, limit int) ([]model.Message, error)
	// MarkMessageRead sets a message's read time unless it has one.
	MarkMessageRead(ctx context.Context, id string, at time.Time) error
}

// maxInbox bounds the messages shown and counted.
const maxInbox = 100

type messagesPage struct {
	Messages []messageRow
	Unread   int
}

type messageRow struct {
	model.Message
	Unread bool   // unread before this page was opened
	Href   string // the message's link if it is a local path
}

// newMessageRow shows m as it stands before the page marks it read.
func newMessageRow(m model.Message) messageRow {
	return messageRow{Message: m, Unread: m.ReadAt == nil, Href: localLink(m.Link)}
}

// countUnread counts the messages of ms without a read time.
func countUnread(ms []model.Message) int {
	n := 0
	for _, m := range ms {
		if m.ReadAt == nil {
			n++
		}
	}
	return n
}

// inboxRecipients are the recipients a session reads: its login and its
// role.
func inboxRecipients(se *session) []string {
	return []string{se.Login, model.RoleRecipient(se.Role)}
}

// unreadCount is the header's count of unread messages: 0 without a
// session or an Inbox, or when the inbox cannot be read (the page still
// renders).
func (s *server) unreadCount(ctx context.Context, se *session) int {
	if se == nil || s.deps.Inbox == nil {
		return 0
	}
	ms, err := s.deps.Inbox.MessagesFor(ctx, inboxRecipients(se), maxInbox)
	if err != nil {
		s.log.ErrorContext(ctx, "inbox unreadable", "request_id", requestID(ctx), "err", err)
		return 0
	}
	return countUnread(ms)
}

// handleMyMessages lists the account's messages, newest first; opening
// the page marks the ones shown read (they stay highlighted this once).
func (s *server) handleMyMessages(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireSession(r)
	if err != nil {
		return err
	}
	if s.deps.Inbox == nil {
		return ErrUnavailable
	}
	ctx := r.Context()
	ms, err := s.deps.Inbox.MessagesFor(ctx, inboxRecipients(se), maxInbox)
	if err != nil {
		return err
	}
	page := messagesPage{}
	now := s.cfg.Now()
	for _, m := range ms {
		row := newMessageRow(m)
		if row.Unread && r.Method == http.MethodGet {
			page.Unread++
			if err := s.deps.Inbox.MarkMessageRead(ctx, m.ID, now); err != nil {
				s.log.ErrorContext(ctx, "marking a message read", "request_id", requestID(ctx), "id", m.ID, "err", err)
			}
		}
		page.Messages = append(page.Messages, row)
	}
	s.render(w, r, http.StatusOK, "messages", "我的消息", page)
	return nil
}
