// Package seal holds GB/T 38540-2020 electronic seals (SESeal) and
// electronic signatures (SES_Signature): their DER encoding and parsing,
// the making of the agency's seals (业务专用章) with a round red picture
// rendered from data, and the verification of the maker's and signer's SM2
// signatures.
//
// # Formats
//
// Parse reads three shapes of SESeal and reports which in Seal.Format:
//
//   - FormatV4, GB/T 38540-2020: SEQUENCE { eSealInfo, cert, signAlgID,
//     signedValue } with GeneralizedTime dates and a certListType (1: DER
//     certificates, 2: CertDigestObj digests). The five-element variant some
//     producers write (header version 5, then an optional [0] EXPLICIT BIT
//     STRING time-stamp after signedValue) is FormatV4 too and keeps
//     Seal.TimeStamp.
//   - FormatV1, GM/T 0031-2014: SEQUENCE { sealInfo, SES_SignInfo { cert,
//     signatureAlgorithm, signData } } with UTCTime dates and a plain
//     certificate list. V1 is read-only: Marshal refuses it.
//
// A two-element SESeal is v1; a four- or five-element one is v4.
// ParseSignature reads a v4 SES_Signature { TBS_Sign { version, eseal,
// timeInfo, dataHash, propertyInfo, [0] extDatas OPTIONAL }, cert,
// signatureAlgID, signature, [0] timeStamp OPTIONAL }; Sign builds one.
//
// # What is signed
//
// Signatures are SM2 with SM3, signer ID 1234567812345678, algorithm
// 1.2.156.10197.1.501, values in DER (SEQUENCE { r, s }). The maker's
// signature of a v4 seal covers the DER of eSealInfo exactly as it appears
// in the seal (Seal.RawInfo); of a v1 seal, SEQUENCE { sealInfo, cert,
// signatureAlgorithm }. A SES_Signature's signature covers the DER of
// TBS_Sign (Signature.RawTBS). These are what the public implementations
// compute and what the reference samples (v1, v4, the five-element form and
// both SES_Signature samples) verify against; no other form is accepted.
//
// # Limits
//
// Parse refuses input above MaxSealSize, ParseSignature above
// MaxSignatureSize, and both more than MaxCertificates certificate-list
// entries or MaxExtensions extDatas entries, with ErrTooLarge. The
// structure has a fixed depth (a signature holds one seal, which holds
// nothing recursive). Only DER is accepted (definite, minimal lengths,
// minimal integers, no explicit DEFAULT FALSE), so for every v4 seal and
// every signature Parse accepts, Marshal gives back the input byte for byte.
//
// # Making and verifying
//
// Make renders the picture (RenderSVG by default: ring, star, the agency
// name along the upper arc, the seal name below the star, an optional code
// along the lower arc, in millimetres; RenderPNG draws ring and star only),
// takes the validity from the seal certificate, names that certificate in
// the certificate list (or its SM3 digest), draws esID from the region code
// and 10 random bytes, signs with the maker's crypto.Signer (called with
// sm2.DefaultSM2SignerOpts, so HSM keys work) and returns the seal parsed
// back from its own DER. (*Seal).Verify checks the maker's signature, the
// picture (Picture.Check, which also refuses SVG with scripts), the
// validity window and, given the seal certificate, that the certificate
// list names it; each failure wraps a distinct sentinel. Certificate
// chains, revocation and the seal's lifecycle status are the caller's.
//
// # Naming the seal in a PDF signature
//
// A PAdES signature names the seal it applies by the CMS signed attribute
// OIDAttributeSealReference, whose value (Reference) is the SM3 digest of
// the SESeal's DER (Seal.Digest) and its esID; ParseReference reads it
// (DER only, capped at MaxReferenceSize).
package seal
