// Package ocsp is sihub's OCSP responder (RFC 6960) for SM2 and P-256
// certificate hierarchies, with its own request parser, response encoder
// and response parser.
//
// Contract:
//   - requests come as POST application/ocsp-request or as GET with the
//     base64 DER in the last part of the path (RFC 6960 appendix A); both are
//     capped (DefaultMaxRequestSize) and parsed strictly as DER; a request
//     holds 1 to Config.MaxRequests CertIDs hashed with SHA-1, SHA-256 or
//     SM3 (each CertID is echoed byte for byte in its answer);
//   - the nonce extension (id-pkix-ocsp-nonce) is echoed in the response
//     extensions; its value may not exceed 32 octets (RFC 8954);
//   - a CertID whose issuer name and key hashes match one of the configured
//     CAs is answered good / revoked (time and reason) / unknown from the
//     Source; a request naming only CAs this responder does not serve gets
//     the "unauthorized" response status, a malformed one "malformedRequest",
//     a failing Source "internalError"; other CertIDs of a request naming
//     several CAs are answered unknown;
//   - responses are signed by the CA's delegated OCSP signer (a certificate
//     with id-kp-OCSPSigning and id-pkix-ocsp-nocheck issued by that CA,
//     see certs.OCSPSignerProfile), which is included in the response; the
//     responder ID is byKey (SHA-1 of the signer's public key); SM2 signers
//     sign with SM2-with-SM3 (1.2.156.10197.1.501, signer ID
//     1234567812345678), P-256 signers with ecdsa-with-SHA256;
//   - thisUpdate is the answer time, nextUpdate thisUpdate + Config.Validity;
//     answers to requests without a nonce are cached for Config.CacheFor and
//     reused (producedAt is then the time they were signed); Purge drops the
//     cache after a revocation;
//   - time comes from the injected clock; nothing sleeps.
//
// ParseResponse reads and verifies a response (signature, signer
// authorisation by the CA, nonce), for tests, for the verifier and for
// PAdES long-term validation data. The request and response readers are
// declared in ocspparse (which the verifier imports without the
// responder) and re-exported here under the same names.
//
// Interoperability (tested): `openssl ocsp` accepts the P-256 responses
// (good, revoked with reason, unknown, nonce) and golang.org/x/crypto/ocsp
// parses and verifies them; for SM2 responses `openssl ocsp` reads the
// status but reports a signature failure, since it checks SM2 with an
// empty signer ID and cannot be told otherwise — the ResponseData and
// signature verify with `openssl pkeyutl ... -pkeyopt
// distid:1234567812345678`, with gmsm and with ParseResponse.
//
// Limits: signed requests are accepted but their signature is not checked
// (RFC 6960 makes it optional); no ResponderID byName; no extended revoked
// definition (RFC 6960 §2.2) — serials never issued are "unknown".
package ocsp
