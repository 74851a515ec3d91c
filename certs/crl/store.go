package crl

import (
	"context"
	"time"

	"sihub/model"
)

// CertificateLister is the part of the store StoreSource reads
// (certs.Store and store.Store have it).
type CertificateLister interface {
	ListCertificates(ctx context.Context, role string) ([]model.Certificate, error)
}

// Certificate statuses StoreSource reads (model.Certificate.Status).
const (
	StatusRevoked   = "revoked"
	StatusSuspended = "suspended"
)

// StoreSource is a Source over the stored certificate records: every
// record issued by the issuer whose status is "revoked" (with the
// record's RevocationReason; 0 is unspecified) or "suspended" (reason
// certificateHold). A revoked record without a revocation time is listed
// as revoked from its notBefore, the conservative choice. It reads every
// record of every role on each call; the Publisher's cache keeps that to
// one read per refresh.
type StoreSource struct {
	Certs CertificateLister
}

// Revoked implements Source.
func (s StoreSource) Revoked(ctx context.Context, issuerSerial string) ([]Entry, error) {
	recs, err := s.Certs.ListCertificates(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, r := range recs {
		if r.IssuerSerial != issuerSerial || (r.Status != StatusRevoked && r.Status != StatusSuspended) {
			continue
		}
		e, err := entryOf(r)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func entryOf(r model.Certificate) (Entry, error) {
	serial, ok := parseSerialHex(r.Serial)
	if !ok {
		return Entry{}, &serialError{r.Serial}
	}
	at := r.NotBefore
	if r.RevokedAt != nil {
		at = *r.RevokedAt
	}
	e := Entry{Serial: serial, RevokedAt: at.UTC().Truncate(time.Second)}
	switch {
	case r.Status == StatusSuspended:
		e.Reason = CertificateHold
	case Reason(r.RevocationReason).Valid():
		e.Reason = Reason(r.RevocationReason)
	}
	return e, nil
}
