// Package crl builds, caches and serves sihub's certificate revocation
// lists (RFC 5280 §5).
//
// Contract:
//   - Build produces a v2 CRL signed by the CA's key: SM2-with-SM3
//     (1.2.156.10197.1.501, signer ID 1234567812345678) for an SM2 CA,
//     ecdsa-with-SHA256 for a P-256 CA; it carries the authority key
//     identifier (the CA's SKI), a CRL number, nextUpdate, and per entry the
//     reason code (omitted for unspecified) and, when known, the invalidity
//     date. The issuing CA signs the CRL of seal, OCSP-signer and TSA
//     certificates; the root signs the CRL of issuing CAs (an ARL).
//   - A Source lists the revoked serials of one issuer; the store implements
//     it, MemorySource serves tests and small deployments.
//   - A Publisher keeps the DER of each issuer's CRL and builds a new one
//     when its refresh point (nextUpdate minus RefreshBefore) has passed or
//     when Refresh is called after a revocation; time comes only from the
//     injected clock, and the scheduled refresh runs on ticks the caller
//     delivers, so nothing here sleeps. CRL numbers are the build time in
//     microseconds since 1970 (and always greater than the last number this
//     Publisher issued), so nodes that share nothing still number CRLs in
//     order.
//   - crlhttp.Handler serves GET/HEAD /pki/crl/{issuer-serial}.crl (lower-case hex,
//     as in the certificates' CRL distribution points) with
//     application/pkix-crl and a max-age that ends at the refresh point.
//
// Interoperability (tested): OpenSSL 3.0 parses both kinds and `openssl
// crl -verify` accepts the P-256 CRLs; it reports "verify failure" for SM2
// CRLs because it checks SM2 signatures with an empty signer ID and the
// command cannot set one — the same TBSCertList and signature verify with
// `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt
// distid:1234567812345678`, and with gmsm's smx509.
//
// Limits: no delta CRLs, no partitioned or indirect CRLs, no issuing
// distribution point extension.
package crl
