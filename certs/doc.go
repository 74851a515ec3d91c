// Package certs is sihub's certificate authority: certificate profiles as
// data, a lint step that every certificate passes before it is signed, and
// the development hierarchy (root CA → issuing CA → seal certificate) for
// each algorithm (SM2 with SM3, ECDSA P-256 with SHA-256).
//
// Contract:
//   - private keys are reached only through hsm.Backend; the CA never sees
//     key bytes;
//   - issuance is prepare → lint → sign → parse back → lint again: a
//     certificate that breaks its profile is never signed, and one that
//     does not round-trip is never returned;
//   - serial numbers are 128-bit random positive integers; SKI is the
//     leftmost 160 bits of SHA-256 over the subjectPublicKey (RFC 7093
//     method 1); AKI is the issuer's SKI;
//   - SM2 certificates are signed with SM2-with-SM3 (1.2.156.10197.1.501)
//     and signer ID 1234567812345678;
//   - seal certificates carry digitalSignature + nonRepudiation and the
//     document-signing extended key usage (RFC 9336, 1.3.6.1.5.5.7.3.36);
//     a verifier that runs Go-style path validation must ask for that usage
//     or for any usage, not for serverAuth;
//   - issuing and seal certificates point at PublicURL + "/pki/crl/<issuer
//     serial>.crl" (CRL distribution point) and PublicURL +
//     "/pki/cert/<issuer serial>.cer" (AIA caIssuers, DER);
//   - time comes from Config.Now; nothing here sleeps or reads the clock.
//
// CA management (ca.go): CreateCA makes a root or an issuing CA with its
// key on any backend (a Keyring reaches keys on the backend each record's
// KeyURI names; the URI never holds a PIN), RotateIssuing makes a new
// issuing CA under the current root that EnsureDevelopmentPKI uses from
// its next call on, while the retired one stays stored, indexed and a CRL
// signer. A root signs only issuing-CA certificates and CRLs (the lint
// step refuses anything else).
//
// Limits: the development hierarchy keeps its root key online, by default
// in the same backend as the seals; a production root is offline and signs
// the issuing CA in a ceremony (CreateCA with the root's key on a token).
// EnsureDevelopmentPKI is meant to run in one process at start-up: two
// processes starting on an empty store at the same moment may each create
// a hierarchy (both valid; the oldest root is used afterwards).
package certs
