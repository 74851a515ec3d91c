package crl

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

// Issuer is a CA that signs CRLs: its certificate (with cRLSign and a
// subject key identifier) and its key.
type Issuer struct {
	Certificate *smx509.Certificate
	Key         crypto.Signer
}

// Template is what varies between two CRLs of one issuer.
type Template struct {
	Number     *big.Int
	ThisUpdate time.Time
	NextUpdate time.Time
	// Rand is the signature's randomness; nil is crypto/rand.
	Rand io.Reader
}

var oidInvalidityDate = asn1.ObjectIdentifier{2, 5, 29, 24}

// Build returns the DER CRL listing entries, signed by iss. Times are
// written in UTC, truncated to the second.
func Build(iss Issuer, entries []Entry, t Template) ([]byte, error) {
	if iss.Certificate == nil || iss.Key == nil {
		return nil, fmt.Errorf("%w: an issuer needs a certificate and a key", ErrInvalid)
	}
	if t.Number == nil || t.Number.Sign() < 0 {
		return nil, fmt.Errorf("%w: CRL number must be a non-negative integer", ErrInvalid)
	}
	this, next := t.ThisUpdate.UTC().Truncate(time.Second), t.NextUpdate.UTC().Truncate(time.Second)
	if this.IsZero() || !next.After(this) {
		return nil, fmt.Errorf("%w: nextUpdate %s is not after thisUpdate %s", ErrInvalid, next, this)
	}
	list := make([]x509.RevocationListEntry, len(entries))
	for i, e := range entries {
		if e.Serial == nil || e.Serial.Sign() <= 0 {
			return nil, fmt.Errorf("%w: entry %d: serial must be positive", ErrInvalid, i)
		}
		if e.RevokedAt.IsZero() {
			return nil, fmt.Errorf("%w: entry %d (serial %x): no revocation time", ErrInvalid, i, e.Serial)
		}
		if !e.Reason.Valid() {
			return nil, fmt.Errorf("%w: entry %d (serial %x): reason code %d", ErrInvalid, i, e.Serial, int(e.Reason))
		}
		list[i] = x509.RevocationListEntry{
			SerialNumber:   e.Serial,
			RevocationTime: e.RevokedAt.UTC().Truncate(time.Second),
			ReasonCode:     int(e.Reason),
		}
		if !e.InvalidityDate.IsZero() {
			v, err := asn1.MarshalWithParams(e.InvalidityDate.UTC().Truncate(time.Second), "generalized")
			if err != nil {
				return nil, fmt.Errorf("crl: encode invalidity date: %w", err)
			}
			list[i].ExtraExtensions = []pkix.Extension{{Id: oidInvalidityDate, Value: v}}
		}
	}
	r := t.Rand
	if r == nil {
		r = rand.Reader
	}
	// smx509 picks SM2-with-SM3 for an SM2 key and ecdsa-with-SHA256 for
	// P-256, writes AKI and CRL number, and verifies the signature the key
	// returned before encoding it.
	der, err := smx509.CreateRevocationList(r, &x509.RevocationList{
		RevokedCertificateEntries: list,
		Number:                    t.Number,
		ThisUpdate:                this,
		NextUpdate:                next,
	}, iss.Certificate, iss.Key)
	if err != nil {
		return nil, fmt.Errorf("crl: sign the CRL of %s: %w", iss.Certificate.Subject.CommonName, err)
	}
	return der, nil
}
