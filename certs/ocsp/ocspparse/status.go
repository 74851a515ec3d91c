package ocspparse

import (
	"encoding/asn1"
	"fmt"
	"time"

	"sihub/certs/crl/crlreason"
)

// State is a certificate's OCSP status.
type State int

// States (the CertStatus CHOICE of RFC 6960).
const (
	Good State = iota
	Revoked
	Unknown
)

func (s State) String() string {
	switch s {
	case Good:
		return "good"
	case Revoked:
		return "revoked"
	case Unknown:
		return "unknown"
	}
	return "invalid"
}

// Status is the status of one certificate: what a responder's source
// knows, what a response says.
type Status struct {
	State State
	// RevokedAt and Reason describe a Revoked certificate; a Reason of
	// crlreason.Unspecified is not written.
	RevokedAt time.Time
	Reason    crlreason.Reason
}

// ResponseStatus is the OCSPResponseStatus of RFC 6960 §4.2.1.
type ResponseStatus int

// Response statuses (4 is not used).
const (
	Successful       ResponseStatus = 0
	MalformedRequest ResponseStatus = 1
	InternalError    ResponseStatus = 2
	TryLater         ResponseStatus = 3
	SigRequired      ResponseStatus = 5
	Unauthorized     ResponseStatus = 6
)

func (s ResponseStatus) String() string {
	switch s {
	case Successful:
		return "successful"
	case MalformedRequest:
		return "malformedRequest"
	case InternalError:
		return "internalError"
	case TryLater:
		return "tryLater"
	case SigRequired:
		return "sigRequired"
	case Unauthorized:
		return "unauthorized"
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// Object identifiers a response carries.
var (
	oidBasic               = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}
	oidSignatureSM2WithSM3 = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 501}
	oidECDSAWithSHA256     = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
)
