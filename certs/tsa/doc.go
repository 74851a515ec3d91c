// Package tsa is sihub's RFC 3161 time-stamping authority for SM2 and P-256
// TSA certificates, and the client side that asks one for a signature
// time-stamp.
//
// Contract:
//   - ParseRequest reads a DER TimeStampReq of at most MaxRequestSize bytes:
//     version 1, a message imprint hashed with SHA-256, SHA-384, SHA-512 or
//     SM3 (SHA-1 is refused), optional policy, nonce (at most 160 bits) and
//     certReq; a request with extensions is refused (unacceptedExtension);
//   - Authority.Respond answers with a DER TimeStampResp: granted with a
//     TimeStampToken, or rejection with the RFC 3161 failure bit
//     (badAlg, badRequest, badDataFormat, unacceptedPolicy,
//     unacceptedExtension, systemFailure) — errors never escape as Go errors;
//   - the token is a CMS SignedData (version 3) encapsulating the DER
//     TSTInfo under id-ct-TSTInfo, signed by the TSA certificate
//     (certs.TSAProfile: critical extKeyUsage id-kp-timeStamping alone) with
//     SM2-with-SM3 (signer ID 1234567812345678, SignerInfo algorithm
//     1.2.156.10197.1.301.1, see certs/cms) or ECDSA with SHA-256, with the
//     ESS signingCertificateV2 attribute; the TSA certificate and chain are
//     included only when the request sets certReq (RFC 3161 §2.4.1);
//   - TSTInfo: the policy (DefaultPolicy unless configured), the request's
//     message imprint and nonce, a serial number from Config.Serial
//     (default: 127 random bits, unique with overwhelming probability; a
//     store may supply an atomic counter), genTime from the injected clock
//     with millisecond precision, and the configured accuracy;
//   - Handler serves POST application/timestamp-query (capped) and answers
//     application/timestamp-reply;
//   - NewStamper returns a Stamper, a func(signature []byte) ([]byte,
//     error) that fits pades.Sealer.TimeStamp: it hashes the signature value,
//     asks a Service (an Authority in-process), checks the reply (status,
//     imprint, nonce, signature, TSA certificate) and returns the token.
//
// Interoperability (tested): `openssl ts -reply -text` reads both; `openssl
// ts -verify` accepts the P-256 tokens (with and without certReq); for SM2
// it fails at the certificate chain, whose SM2 signatures it checks with an
// empty signer ID (ts has no -vfyopt) — the token's signed attributes
// verify with `openssl pkeyutl ... -pkeyopt distid:1234567812345678`, its
// messageDigest equals `openssl dgst -sm3` of the TSTInfo, and Token.Verify
// (certs/cms) accepts it.
//
// DefaultPolicy is a placeholder under the ITU-T example arc 2.999; replace
// it (Config.Policy) with an OID under the agency's own arc before
// production.
//
// Limits: no ordering, no TSA name field, no extensions.
package tsa
