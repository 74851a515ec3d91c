package verifier

import (
	"context"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

// Revocation states (SignatureReport.Revocation, RevocationStatus.State).
const (
	RevocationGood       = "good"
	RevocationRevoked    = "revoked"
	RevocationUnknown    = "unknown"
	RevocationNotChecked = "not_checked"
)

// Revocation evidence sources (SignatureReport.RevocationSource,
// RevocationStatus.Source).
const (
	RevocationSourceDSSOCSP    = "dss-ocsp"
	RevocationSourceDSSCRL     = "dss-crl"
	RevocationSourceRegistry   = "registry"
	RevocationSourceOnlineOCSP = "online-ocsp"
	RevocationSourceOnlineCRL  = "online-crl"
)

// RevocationSource answers revocation questions the document's own DSS
// data cannot: a certificate registry, or online OCSP / CRL fetches. The
// verifier asks it only after the DSS data (offline) gave no answer.
// Implementations must be safe for concurrent use and should be fast
// (cached): Verify calls Status once per signer certificate.
type RevocationSource interface {
	// Status reports whether cert (issued by issuer) was revoked at or
	// before t. An error means the source could not answer (the
	// signature's revocation is then "unknown").
	Status(ctx context.Context, cert, issuer *smx509.Certificate, t time.Time) (RevocationStatus, error)
}

// RevocationStatus is one revocation answer.
type RevocationStatus struct {
	// State is RevocationGood, RevocationRevoked or RevocationUnknown.
	State string
	// RevokedAt and Reason (the RFC 5280 CRLReason code) are set when
	// State is RevocationRevoked.
	RevokedAt time.Time
	Reason    int
	// Source is one of the RevocationSource* constants.
	Source string
	// ThisUpdate and NextUpdate bound the evidence's validity (zero when
	// the source has none, e.g. a registry).
	ThisUpdate, NextUpdate time.Time
}
