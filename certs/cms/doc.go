// Package cms builds and parses detached CMS SignedData (RFC 5652) with
// CAdES-BES signed attributes, as carried in the /Contents of a PDF
// signature, for SM2/SM3, ECDSA and RSA keys.
//
// # Algorithms
//
// An SM2 key (a crypto.Signer whose Public() is an SM2 *ecdsa.PublicKey)
// signs with digest SM3 (1.2.156.10197.1.401) and SignerInfo
// signatureAlgorithm 1.2.156.10197.1.301.1, the GM/T 0010 "sm2-1" signature
// identifier. That is the identifier gmsm's pkcs7 verifier, and most Chinese
// CMS stacks, accept in a SignerInfo; when parsing, SM2-with-SM3
// (1.2.156.10197.1.501) and the bare SM2 key identifier (1.2.156.10197.1.301)
// are accepted too. The signature is SM2 over the DER signed attributes with
// the default signer ID 1234567812345678 (the key computes SM3(Z‖M) itself:
// it is called with sm2.DefaultSM2SignerOpts). The content types are the
// PKCS#7 ones (id-data, id-signedData), not GM/T 0010's, because PDF tools
// expect those.
//
// An ECDSA P-256 key uses SHA-256 and ecdsa-with-SHA256; RSA keys use
// SHA-256 with rsaEncryption (PKCS#1 v1.5). Parsing and verification also
// accept ECDSA P-384/P-521, SHA-384/512, sha*WithRSAEncryption,
// RSASSA-PSS and Ed25519 (RFC 8419, with signed attributes); SHA-1 is
// refused with ErrWeakAlgorithm.
//
// # Signed attributes
//
// SignDetached writes contentType (id-data), messageDigest, signingTime
// (unless OmitSigningTime) and signingCertificateV2 (ESS, RFC 5035: the
// certificate hash with SHA-256 for ECDSA and RSA, with SM3 and its
// identifier for SM2, plus issuer and serial), sorted as a DER SET. The
// signer is identified by issuerAndSerialNumber; the certificates field holds
// the signer's certificate followed by the given chain. SignDetached checks
// that the key belongs to the certificate and verifies the signature the key
// returned before embedding it, so a misbehaving key (an HSM signing ECDSA
// on the SM2 curve, say) fails with ErrBadSignature instead of producing an
// unverifiable file.
//
// SignAttached signs the same way but encapsulates the content under a
// given content type (id-ct-TSTInfo for an RFC 3161 token; SignedData
// version 3 unless the type is id-data). OmitCertificates leaves the
// certificates field out, as RFC 3161 requires when certReq is false.
//
// # Parsing
//
// Parse accepts BER (indefinite lengths, constructed strings) as third-party
// signers write it and converts it to DER before reading; it is bounded by
// Limits (size, nesting, certificates, signers, attributes) and returns
// errors wrapping ErrMalformed or ErrTooLarge, never panics. Bytes after the
// ContentInfo are ignored when zero (the padding of a PDF /Contents) and
// reported in SignedData.Trailing otherwise.
//
// # Verification
//
// SignerInfo.Verify checks one signer against a content digest the caller
// computed with SignerInfo.NewHash: the messageDigest attribute, the
// signature over the signed attributes with the signer certificate's key,
// and the signingCertificate(V2) attribute when present. VerifyContent does
// the same from the content itself (attached data, time-stamp tokens). They
// do not build or trust certificate chains; that is the caller's job. Each failure wraps
// a distinct sentinel error for errors.Is.
package cms
