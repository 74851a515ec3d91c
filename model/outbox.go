package model

import "time"

// Outbox channels (OutboxMessage.Channel).
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// Outbox statuses (OutboxMessage.Status): pending until a sender accepts
// the message (sent) or the attempts run out (failed).
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// OutboxMessage is an email or SMS waiting to be sent, or the record of
// one that was: the delivery outbox (发送队列). It carries a link and a
// masked name only, never a full ID number or a document.
type OutboxMessage struct {
	// ID is unique; delivery derives it from the event, the document and
	// the channel, so writing the same notice twice is ErrConflict.
	ID      string `json:"id" bson:"_id"`
	Channel string `json:"channel" bson:"channel"` // ChannelEmail or ChannelSMS
	// Recipient is the holder's account login; Address the phone number
	// or email address the message goes to.
	Recipient string `json:"recipient" bson:"recipient"`
	Address   string `json:"address" bson:"address"`
	// Kind says what the message is about, e.g. "document.issued".
	Kind         string `json:"kind" bson:"kind"`
	Subject      string `json:"subject,omitempty" bson:"subject,omitempty"`
	Body         string `json:"body" bson:"body"`
	Link         string `json:"link,omitempty" bson:"link,omitempty"`
	DocumentCode string `json:"document_code,omitempty" bson:"document_code,omitempty"`
	Status       string `json:"status" bson:"status"` // Outbox* constants
	// Attempts counts the sends tried; NextAttemptAt is when a pending
	// message is next due (a dispatcher that takes it moves it forward
	// as a lease).
	Attempts      int        `json:"attempts" bson:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at" bson:"next_attempt_at"`
	LastError     string     `json:"last_error,omitempty" bson:"last_error,omitempty"`
	CreatedAt     time.Time  `json:"created_at" bson:"created_at"`
	SentAt        *time.Time `json:"sent_at,omitempty" bson:"sent_at,omitempty"`
}
