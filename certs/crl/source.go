package crl

import (
	"context"
	"math/big"
	"slices"
	"sync"
	"time"
)

// Reason is an RFC 5280 CRLReason.
type Reason int

// Reason codes (RFC 5280 §5.3.1; 7 is not used).
const (
	Unspecified          Reason = 0
	KeyCompromise        Reason = 1
	CACompromise         Reason = 2
	AffiliationChanged   Reason = 3
	Superseded           Reason = 4
	CessationOfOperation Reason = 5
	CertificateHold      Reason = 6
	RemoveFromCRL        Reason = 8
	PrivilegeWithdrawn   Reason = 9
	AACompromise         Reason = 10
)

// Valid reports whether r is a defined reason code.
func (r Reason) Valid() bool { return r >= 0 && r <= 10 && r != 7 }

var reasonNames = map[Reason]string{
	Unspecified: "unspecified", KeyCompromise: "keyCompromise", CACompromise: "cACompromise",
	AffiliationChanged: "affiliationChanged", Superseded: "superseded",
	CessationOfOperation: "cessationOfOperation", CertificateHold: "certificateHold",
	RemoveFromCRL: "removeFromCRL", PrivilegeWithdrawn: "privilegeWithdrawn", AACompromise: "aACompromise",
}

// String is the RFC 5280 name of the reason.
func (r Reason) String() string {
	if n, ok := reasonNames[r]; ok {
		return n
	}
	return "reason(" + big.NewInt(int64(r)).String() + ")"
}

// Entry is one revoked certificate.
type Entry struct {
	Serial    *big.Int
	RevokedAt time.Time
	Reason    Reason
	// InvalidityDate is when the key is known or suspected to have been
	// compromised (RFC 5280 §5.3.2); zero means absent.
	InvalidityDate time.Time
}

// Source lists the certificates an issuer has revoked. issuerSerial is the
// issuer's serial in lower-case hex (model.Certificate.Serial).
type Source interface {
	Revoked(ctx context.Context, issuerSerial string) ([]Entry, error)
}

// MemorySource is a Source held in memory, safe for concurrent use.
type MemorySource struct {
	mu sync.RWMutex
	m  map[string][]Entry
}

// NewMemorySource returns an empty MemorySource.
func NewMemorySource() *MemorySource { return &MemorySource{m: map[string][]Entry{}} }

// Revoke records e under the issuer.
func (s *MemorySource) Revoke(issuerSerial string, e Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[issuerSerial] = append(s.m[issuerSerial], e)
}

// Revoked implements Source.
func (s *MemorySource) Revoked(_ context.Context, issuerSerial string) ([]Entry, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.m[issuerSerial]), nil
}

// parseSerialHex reads a positive serial in the store's hex form.
func parseSerialHex(s string) (*big.Int, bool) {
	if len(s) == 0 || len(s) > 40 {
		return nil, false
	}
	n, ok := new(big.Int).SetString(s, 16)
	if !ok || n.Sign() <= 0 {
		return nil, false
	}
	return n, true
}

type serialError struct{ serial string }

func (e *serialError) Error() string {
	return "crl: stored serial " + e.serial + " is not positive hex"
}
func (e *serialError) Unwrap() error { return ErrInvalid }
