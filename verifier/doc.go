// Package verifier checks a PDF that claims to carry sihub seals (or any
// PAdES / PKCS#7 signed PDF): its structure, every signature's byte range,
// digest and CMS signature, the signer's certificate chain to the trust
// anchors, the certificate's key usage and validity, whether the file was
// changed after signing, the anti-forgery code against the registry, and
// the seal each signature names against the seal registry.
//
// Seals: a sihub signature names the GB/T 38540 seal it applies in the
// signed attribute seal.OIDAttributeSealReference (the SESeal's SM3 digest
// and esID), reported as SignatureReport.Seal. With Options.Seals the seal
// must be known (else seal_unknown) and active (else seal_not_active), so
// a document sealed with a revoked, suspended, expired or not yet approved
// seal is not valid even though its certificate is. Signatures without the
// attribute (other producers' PDFs) get no seal check.
//
// The result is data, never a bare string: a Report with one
// SignatureReport per signature and Problems carrying stable Reason codes
// (see reason.go). Verify never panics and never returns an error; what it
// could not check is a Problem in the report.
//
// Contract:
//   - Report.Valid is true only when there is at least one signature, every
//     signature is valid, and the document has no problem of its own.
//   - Revision analysis: with more than one revision, every revision is
//     reconstructed (the file up to its "%%EOF", read on its own) and each
//     change after the first signed revision is judged against the
//     previous revision by value, not by object number (Report.Revisions
//     lists them with kind, action and whether they are allowed). Allowed:
//     new signatures filling an existing empty signature field or added
//     with their field and widget, the appearance of the field being
//     signed (unless the page draws it), document timestamps, the DSS and
//     VRI, /Extensions, AcroForm /Fields growth with signature fields,
//     /SigFlags, /DA and /DR (without /NeedAppearances), and, under a
//     certification with P>=2, form filling. Not allowed: anything else —
//     page content, pages, annotations, fonts, XObjects, form values,
//     other catalog entries, /Info, freed referenced objects, objects
//     redefined through object streams (objstm_shadow) or with repeated
//     keys, cross-reference entries that do not point at their object. A
//     certification with P=1 also forbids further signatures and fields.
//   - A signature is "modified after signing" when a later revision makes
//     a change that is not allowed (docmdp_violation as well on a
//     certification signature). The objects later revisions define or free
//     are listed in ChangedObjects. Bytes after the last signature are
//     acceptable only as complete revisions whose changes are all allowed
//     (a DSS or document timestamp added later); otherwise the document is
//     not valid (not_whole_document) and every signature is modified.
//   - Structural checks on every file: overlapping or out-of-order byte
//     ranges and shared gaps (byte_range_overlap), a gap that is not the
//     dictionary's own /Contents (byte_range_contents_mismatch), signature
//     dictionaries outside their signed bytes
//     (signature_outside_signed_range), repeated /Contents or /ByteRange
//     keys (duplicate_contents), cross-reference entries into a gap
//     (xref_into_gap), certification signatures that are not the first
//     (certification_not_first). With several revisions also: an object
//     defined twice in one revision (duplicate_object) and revisions whose
//     cross-reference chain does not extend the previous one
//     (xref_inconsistent). At most 32 revisions are analysed.
//   - Certificates must be valid at the signing time (a valid signature
//     timestamp's genTime, else the signingTime attribute, else the
//     verification time) and also at the verification time, unless the
//     signature is proven long-term: a valid signature timestamp (or a
//     valid document timestamp covering the signature) from before the
//     expiry, and revocation evidence that the signer certificate was good
//     then. Without that proof an expired certificate is cert_expired.
//   - Signature timestamps (the unsigned signature-time-stamp attribute):
//     the token's CMS signature, its imprint over the signature value, the
//     TSA certificate (id-kp-timeStamping alone and critical) and its chain
//     to a trust anchor, all at genTime; any failure is timestamp_invalid.
//     Document timestamps are checked the same way over their byte range.
//   - Revocation of the signer certificate (a document timestamp's TSA
//     certificate), at the proven signing time (the token's genTime):
//     first the DSS of the last revision (OCSP responses signed by the
//     issuing CA or its delegated OCSP signer, then CRLs signed by the
//     issuer; evidence counts when issued at or after that time or valid
//     through it), then Options.Revocation. Reported as good, revoked,
//     unknown or not_checked (no DSS and no source) with the evidence
//     source. Revoked at or before the signing time: certificate_revoked;
//     revoked after it: valid, with a note. Intermediate CA certificates
//     are not checked; the TSA certificate of a signature timestamp only
//     against the DSS.
//   - Level: B-B; B-T with a valid signature timestamp; B-LT when the
//     revocation evidence came from the DSS too; B-LTA when a valid
//     document timestamp covers the signature as well.
//   - Parsed DSS certificates, OCSP responses and CRLs are cached by
//     digest (with the issuer they were checked against) in bounded caches
//     owned by the Verifier.
//   - Chain building uses smx509's verifier; results are cached per
//     (signer certificate, embedded certificates) in a bounded cache owned
//     by the Verifier, whose trust anchors are fixed at New.
//
// A Verifier is safe for concurrent use.
package verifier
