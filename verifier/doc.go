// Package verifier checks a PDF that claims to carry sihub seals (or any
// PAdES / PKCS#7 signed PDF): its structure, every signature's byte range,
// digest and CMS signature, the signer's certificate chain to the trust
// anchors, the certificate's key usage and validity, whether the file was
// changed after signing, and the anti-forgery code against the registry.
//
// The result is data, never a bare string: a Report with one
// SignatureReport per signature and Problems carrying stable Reason codes
// (see reason.go). Verify never panics and never returns an error; what it
// could not check is a Problem in the report.
//
// Contract:
//   - Report.Valid is true only when there is at least one signature, every
//     signature is valid, and the document has no problem of its own.
//   - A signature is "modified after signing" when bytes follow its byte
//     range and the later revisions do anything but add further signatures
//     (a new signature dictionary, the signature field's /V, the revision's
//     cross-reference stream). The objects changed after each signature are
//     listed in the report. Bytes not covered by any signature make the
//     document not valid (not_whole_document).
//   - Certificates must be valid at the signing time (the signingTime
//     attribute, else the verification time) and, as long as no timestamp
//     proves the signing time, also at the verification time.
//   - Revocation is not checked yet ("not_checked").
//   - Chain building uses smx509's verifier; results are cached per
//     (signer certificate, embedded certificates) in a bounded cache owned
//     by the Verifier, whose trust anchors are fixed at New.
//
// A Verifier is safe for concurrent use.
package verifier
