package ocsp

import (
	"fmt"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/ocsp/ocspparse"
)

// The request and response readers live in ocspparse, which programs that
// only read OCSP data import without the responder; the names below are
// the same types, values and functions.

// Errors, checked with errors.Is.
var (
	// ErrMalformed: a request or response does not parse.
	ErrMalformed = ocspparse.ErrMalformed
	// ErrTooLarge: input over a size or count limit.
	ErrTooLarge = ocspparse.ErrTooLarge
	// ErrUnsupported: a hash or signature algorithm this package does not know.
	ErrUnsupported = ocspparse.ErrUnsupported
	// ErrInvalid: a configuration or argument is unusable.
	ErrInvalid = ocspparse.ErrInvalid
	// ErrVerify: a response's signature, signer or nonce does not check out.
	ErrVerify = ocspparse.ErrVerify
	// ErrStatus: the responder answered with an error status (ResponseStatus).
	ErrStatus = ocspparse.ErrStatus
)

func malformed(what string) error { return fmt.Errorf("%w: %s", ErrMalformed, what) }

// Hash is a CertID hash algorithm.
type Hash = ocspparse.Hash

// CertID hash algorithms.
const (
	SHA1   = ocspparse.SHA1
	SHA256 = ocspparse.SHA256
	SM3    = ocspparse.SM3
)

// OIDNonce is id-pkix-ocsp-nonce.
var OIDNonce = ocspparse.OIDNonce

// Parser limits.
const (
	// DefaultMaxRequestSize caps a DER request.
	DefaultMaxRequestSize = ocspparse.DefaultMaxRequestSize
	// DefaultMaxRequests caps the CertIDs in one request.
	DefaultMaxRequests = ocspparse.DefaultMaxRequests
	// MaxResponseSize caps a response ParseResponse reads.
	MaxResponseSize = ocspparse.MaxResponseSize
	maxNonce        = ocspparse.MaxNonce
)

// CertID names one certificate (RFC 6960 §4.1.1).
type CertID = ocspparse.CertID

// Request is a parsed OCSPRequest.
type Request = ocspparse.Request

// SingleResponse is one answer of a response.
type SingleResponse = ocspparse.SingleResponse

// Response is a parsed and verified OCSP response.
type Response = ocspparse.Response

// State is a certificate's OCSP status.
type State = ocspparse.State

// States (the CertStatus CHOICE of RFC 6960).
const (
	Good    = ocspparse.Good
	Revoked = ocspparse.Revoked
	Unknown = ocspparse.Unknown
)

// Status is what the Source knows of one certificate.
type Status = ocspparse.Status

// ResponseStatus is the OCSPResponseStatus of RFC 6960 §4.2.1.
type ResponseStatus = ocspparse.ResponseStatus

// Response statuses (4 is not used).
const (
	Successful       = ocspparse.Successful
	MalformedRequest = ocspparse.MalformedRequest
	InternalError    = ocspparse.InternalError
	TryLater         = ocspparse.TryLater
	SigRequired      = ocspparse.SigRequired
	Unauthorized     = ocspparse.Unauthorized
)

// ParseRequest is ocspparse.ParseRequest: it parses a DER OCSPRequest of
// at most DefaultMaxRequestSize bytes holding 1 to maxRequests CertIDs
// (DefaultMaxRequests when ≤ 0).
func ParseRequest(der []byte, maxRequests int) (*Request, error) {
	return ocspparse.ParseRequest(der, maxRequests)
}

// CreateRequest is ocspparse.CreateRequest: a DER OCSPRequest for cert,
// issued by issuer, with CertID hash h and, when nonce is not empty, a
// nonce extension holding it as an OCTET STRING.
func CreateRequest(cert, issuer *smx509.Certificate, h Hash, nonce []byte) ([]byte, error) {
	return ocspparse.CreateRequest(cert, issuer, h, nonce)
}

// ParseResponse is ocspparse.ParseResponse: it parses a DER OCSPResponse
// (at most MaxResponseSize bytes) and verifies it against the CA that
// issued the certificates asked about.
func ParseResponse(der []byte, ca *smx509.Certificate) (*Response, error) {
	return ocspparse.ParseResponse(der, ca)
}
