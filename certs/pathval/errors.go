package pathval

import "fmt"

// Reason names why a path was rejected. Each reason is an error, so
// errors.Is(err, pathval.ReasonExpired) tells a caller the kind.
type Reason int

// Reasons.
const (
	ReasonNoPath Reason = iota + 1
	ReasonSignature
	ReasonExpired
	ReasonNotCA
	ReasonPathLen
	ReasonKeyUsage
	ReasonExtKeyUsage
	ReasonNameConstraints
	ReasonPolicy
	ReasonCriticalExtension
	ReasonRevoked
	ReasonRevocationUnknown
	ReasonPeerName
	ReasonTooDeep
	ReasonMalformed
)

var reasonNames = map[Reason]string{
	ReasonNoPath:            "no path to a trusted root",
	ReasonSignature:         "bad signature",
	ReasonExpired:           "outside validity period",
	ReasonNotCA:             "issuer is not a CA",
	ReasonPathLen:           "path length constraint exceeded",
	ReasonKeyUsage:          "key usage not allowed",
	ReasonExtKeyUsage:       "extended key usage not allowed",
	ReasonNameConstraints:   "name constraints violated",
	ReasonPolicy:            "no valid certificate policy",
	ReasonCriticalExtension: "unhandled critical extension",
	ReasonRevoked:           "certificate revoked",
	ReasonRevocationUnknown: "revocation status unknown",
	ReasonPeerName:          "peer name does not match",
	ReasonTooDeep:           "path too long",
	ReasonMalformed:         "malformed certificate",
}

// Error implements error.
func (r Reason) Error() string {
	if s, ok := reasonNames[r]; ok {
		return "pathval: " + s
	}
	return fmt.Sprintf("pathval: reason %d", int(r))
}

// Code is a short stable identifier for the reason.
func (r Reason) Code() string {
	codes := map[Reason]string{
		ReasonNoPath: "no_path", ReasonSignature: "signature", ReasonExpired: "expired",
		ReasonNotCA: "not_ca", ReasonPathLen: "path_len", ReasonKeyUsage: "key_usage",
		ReasonExtKeyUsage: "ext_key_usage", ReasonNameConstraints: "name_constraints",
		ReasonPolicy: "policy", ReasonCriticalExtension: "critical_extension",
		ReasonRevoked: "revoked", ReasonRevocationUnknown: "revocation_unknown",
		ReasonPeerName: "peer_name", ReasonTooDeep: "too_deep", ReasonMalformed: "malformed",
	}
	return codes[r]
}

// Error is a rejected path: the reason, the certificate's depth (0 = leaf)
// and detail.
type Error struct {
	Reason Reason
	Depth  int
	Detail string
}

func (e *Error) Error() string {
	s := e.Reason.Error()
	if e.Depth >= 0 {
		s += fmt.Sprintf(" (certificate %d)", e.Depth)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the reason.
func (e *Error) Unwrap() error { return e.Reason }

func fail(r Reason, depth int, format string, a ...any) *Error {
	return &Error{Reason: r, Depth: depth, Detail: fmt.Sprintf(format, a...)}
}
