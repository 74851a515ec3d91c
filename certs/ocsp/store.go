package ocsp

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"sihub/certs/crl"
	"sihub/model"
)

// CertificateGetter is the part of the store StoreSource reads
// (certs.Store and store.Store have it).
type CertificateGetter interface {
	Certificate(ctx context.Context, serial string) (model.Certificate, error)
}

// StoreSource is a Source over the stored certificate records: a serial
// with no record, or whose record names another issuer, is Unknown; status
// "good" is Good; "revoked" is Revoked with the record's RevocationReason
// (0, unspecified, is left out of the response; a missing revocation time
// reads as notBefore, the conservative choice); "suspended" is Revoked with certificateHold. Any other status
// is an error (answered internalError), never a guess.
type StoreSource struct {
	Certs CertificateGetter
}

// Status implements Source.
func (s StoreSource) Status(ctx context.Context, issuerSerial string, serial *big.Int) (Status, error) {
	if serial.Sign() <= 0 {
		return Status{State: Unknown}, nil
	}
	r, err := s.Certs.Certificate(ctx, serial.Text(16))
	if errors.Is(err, model.ErrNotFound) {
		return Status{State: Unknown}, nil
	}
	if err != nil {
		return Status{}, err
	}
	if r.IssuerSerial != issuerSerial {
		return Status{State: Unknown}, nil
	}
	at := r.NotBefore
	if r.RevokedAt != nil {
		at = *r.RevokedAt
	}
	switch r.Status {
	case "good":
		return Status{State: Good}, nil
	case crl.StatusRevoked:
		reason := crl.Reason(r.RevocationReason)
		if !reason.Valid() {
			reason = crl.Unspecified
		}
		return Status{State: Revoked, RevokedAt: at, Reason: reason}, nil
	case crl.StatusSuspended:
		return Status{State: Revoked, RevokedAt: at, Reason: crl.CertificateHold}, nil
	}
	return Status{}, fmt.Errorf("ocsp: certificate %s has status %q", r.Serial, r.Status)
}
