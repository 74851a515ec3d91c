package model

import "errors"

// Issuance is one newly issued document as a store writes it: the
// registry entry with its PDF, its audit entry, and the notices to its
// holder (store.Documents.PutIssued).
type Issuance struct {
	Document Document
	PDF      []byte
	Audit    AuditEntry
	// Messages and Outbox are the holder's notices. One whose DedupKey (a
	// message) or ID (an outbox entry) is already stored is left out, not
	// an error: a notice is written at most once.
	Messages []Message
	Outbox   []OutboxMessage
}

// ErrNoticesNotStored: a document and its audit entry were stored, but
// some of its notices were not (a backend that cannot write them in the
// same transaction). The document stands; the notices can be written
// again from the audit trail.
var ErrNoticesNotStored = errors.New("notices not stored")
