// Package seal holds GB/T 38540-2020 electronic seals (SESeal) and
// electronic signatures (SES_Signature): their DER encoding and parsing,
// the making of the agency's business seal (业务专用章) with a picture
// rendered from data, and the verification of the seal maker's signature.
//
// # Formats
//
// Parse reads three shapes of SESeal and reports which one in
// Seal.Format:
//
//   - FormatV4, GB/T 38540-2020: SEQUENCE { eSealInfo, cert, signAlgID,
//     signedValue } with GeneralizedTime dates and a certListType. The
//     five-element variant some producers write (header version 5, an
//     optional [0] EXPLICIT BIT STRING time-stamp after signedValue) is
//     accepted as FormatV4 too and keeps Seal.TimeStamp.
//   - FormatV1, GM/T 0031-2014: SEQUENCE { sealInfo, SES_SignInfo { cert,
//     signatureAlgorithm, signData } } with UTCTime dates and a plain
//     certificate list. V1 is read-only: Marshal refuses it.
//
// A two-element SESeal is v1; a four- or five-element one is v4.
//
// # What is signed
//
// The maker's signature (SM2 with SM3, signer ID 1234567812345678,
// algorithm 1.2.156.10197.1.501) covers, for v4, the DER of eSealInfo
// exactly as it appears in the seal (Seal.RawInfo); for v1 it covers
// SEQUENCE { sealInfo, cert, signatureAlgorithm }. A SES_Signature's
// signature covers the DER of TBS_Sign. These are what the public
// implementations compute and what the reference samples (v1, v4 and the
// five-element form) verify against; no other form is accepted.
//
// # Limits
//
// Every parser refuses input above MaxSealSize (MaxSignatureSize for
// SES_Signature), more than MaxCertificates entries in a certificate list
// and more than MaxExtensions extension entries, with ErrTooLarge. The
// structure is fixed-depth: a SES_Signature holds one SESeal, which holds
// nothing recursive. Parsing accepts DER only (definite, minimal lengths),
// so encode(parse(x)) == x for every seal this package writes and for every
// well-formed DER seal it reads.
//
// # Making and verifying
//
// Make builds, signs and re-parses a v4 seal from a MakeRequest and the
// maker's crypto.Signer and certificate; the key signs through
// crypto.Signer.Sign with sm2.DefaultSM2SignerOpts, so HSM keys work.
// (*Seal).Verify checks the maker's signature, the validity window at a
// given time, the picture and, given the seal certificate, that the
// certificate list names it; each failure wraps a distinct sentinel error.
package seal
