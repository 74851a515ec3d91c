// Package ocspparse reads OCSP (RFC 6960) requests and responses: the
// request parser the responder (certs/ocsp) answers from, and the
// response reader the verifier checks PAdES long-term validation data
// with. It is certs/ocsp without the responder, so a program that only
// reads OCSP data (the verifier, sihub-verify) links none of the issuing
// side (the CA services, key access, logging); certs/ocsp re-exports
// every name declared here, and its package documentation states the
// contract of both.
//
// Contract of this package:
//   - ParseRequest reads a DER OCSPRequest of at most
//     DefaultMaxRequestSize bytes, strictly as DER, with 1 to maxRequests
//     CertIDs hashed with SHA-1, SHA-256 or SM3 and an optional nonce of at
//     most MaxNonce octets (RFC 8954); CreateRequest writes one;
//   - ParseResponse reads a DER OCSPResponse of at most MaxResponseSize
//     bytes and verifies it against the CA that issued the certificates it
//     answers for: the signer is the CA or a certificate embedded in the
//     response, issued by the CA, with id-kp-OCSPSigning and valid at
//     producedAt; SM2-with-SM3 (signer ID 1234567812345678) and ECDSA with
//     SHA-256/384 signatures are checked with gmsm's smx509;
//   - every error wraps one of the sentinel errors (errors.Is).
package ocspparse
