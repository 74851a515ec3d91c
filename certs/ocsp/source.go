package ocsp

import (
	"context"
	"math/big"
	"sync"
)

// Source answers for one certificate, named by its issuer's serial
// (lower-case hex, as model.Certificate.IssuerSerial and crl.Source) and
// its own serial. The responder resolves the CertID's issuer hashes to the
// issuer first. A serial the issuer never issued is Unknown.
type Source interface {
	Status(ctx context.Context, issuerSerial string, serial *big.Int) (Status, error)
}

// MemorySource is a Source held in memory, safe for concurrent use.
type MemorySource struct {
	mu sync.RWMutex
	m  map[string]Status
}

// NewMemorySource returns an empty MemorySource: everything is Unknown.
func NewMemorySource() *MemorySource { return &MemorySource{m: map[string]Status{}} }

// Set records the status of a certificate.
func (s *MemorySource) Set(issuerSerial string, serial *big.Int, st Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[issuerSerial+"/"+serial.Text(16)] = st
}

// Status implements Source.
func (s *MemorySource) Status(_ context.Context, issuerSerial string, serial *big.Int) (Status, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if st, ok := s.m[issuerSerial+"/"+serial.Text(16)]; ok {
		return st, nil
	}
	return Status{State: Unknown}, nil
}
