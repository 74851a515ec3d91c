package crl

import (
	"context"
	"math/big"
	"slices"
	"sync"
	"time"

	"sihub/certs/crl/crlreason"
)

// Reason is an RFC 5280 CRLReason (defined in crlreason, which readers of
// revocation data import without this package's issuing code).
type Reason = crlreason.Reason

// Reason codes (RFC 5280 §5.3.1; 7 is not used).
const (
	Unspecified          = crlreason.Unspecified
	KeyCompromise        = crlreason.KeyCompromise
	CACompromise         = crlreason.CACompromise
	AffiliationChanged   = crlreason.AffiliationChanged
	Superseded           = crlreason.Superseded
	CessationOfOperation = crlreason.CessationOfOperation
	CertificateHold      = crlreason.CertificateHold
	RemoveFromCRL        = crlreason.RemoveFromCRL
	PrivilegeWithdrawn   = crlreason.PrivilegeWithdrawn
	AACompromise         = crlreason.AACompromise
)

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
