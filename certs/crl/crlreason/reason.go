// Package crlreason is the RFC 5280 CRLReason vocabulary, shared by the
// CRL builder (certs/crl, which re-exports it) and the OCSP response
// reader (certs/ocsp/ocspparse). It depends on nothing, so a program that
// only reads revocation data (the verifier, sihub-verify) links none of
// the CRL issuing code.
package crlreason

import "strconv"

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

// names are the RFC 5280 names, by code; "" for 7.
var names = [...]string{
	Unspecified: "unspecified", KeyCompromise: "keyCompromise", CACompromise: "cACompromise",
	AffiliationChanged: "affiliationChanged", Superseded: "superseded",
	CessationOfOperation: "cessationOfOperation", CertificateHold: "certificateHold",
	RemoveFromCRL: "removeFromCRL", PrivilegeWithdrawn: "privilegeWithdrawn", AACompromise: "aACompromise",
}

// String is the RFC 5280 name of the reason.
func (r Reason) String() string {
	if r.Valid() {
		return names[r]
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}
