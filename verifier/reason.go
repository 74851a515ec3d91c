package verifier

// Reason is a stable, machine-readable code for why a document or a
// signature is not valid. The values are part of the JSON contract.
type Reason string

// Reason codes.
const (
	// ReasonMalformedPDF: the file is not a readable PDF, or its
	// cross-reference information was broken and had to be recovered.
	ReasonMalformedPDF Reason = "malformed_pdf"
	// ReasonTooLarge: the file is larger than Options.MaxSize, or a
	// structural limit was reached while reading it.
	ReasonTooLarge Reason = "too_large"
	// ReasonNoSignatures: no signed signature field was found.
	ReasonNoSignatures Reason = "no_signatures"
	// ReasonByteRangeInvalid: /ByteRange is not four non-negative integers
	// starting at 0 in order, its gap is not exactly this dictionary's
	// /Contents hex string, or it does not end where a revision ends.
	ReasonByteRangeInvalid Reason = "byte_range_invalid"
	// ReasonContentsInvalid: /Contents is not a CMS SignedData with exactly
	// one signer.
	ReasonContentsInvalid Reason = "contents_invalid"
	// ReasonDigestMismatch: the digest of the byte ranges differs from the
	// signed messageDigest: the signed bytes were changed.
	ReasonDigestMismatch Reason = "digest_mismatch"
	// ReasonSignatureInvalid: the signature value does not verify, or its
	// signed attributes are inconsistent.
	ReasonSignatureInvalid Reason = "signature_invalid"
	// ReasonUnsupportedAlgorithm: a sub-filter, digest or signature
	// algorithm this verifier does not accept (including SHA-1).
	ReasonUnsupportedAlgorithm Reason = "unsupported_algorithm"
	// ReasonSignerNotFound: the signer's certificate is not in the CMS.
	ReasonSignerNotFound Reason = "signer_not_found"
	// ReasonChainUntrusted: no chain from the signer to a trust anchor.
	ReasonChainUntrusted Reason = "chain_untrusted"
	// ReasonCertExpired: a certificate of the chain had expired at the
	// signing time, or has expired since and no timestamp proves the
	// signing time.
	ReasonCertExpired Reason = "cert_expired"
	// ReasonCertNotYetValid: a certificate of the chain was not yet valid at
	// the signing time.
	ReasonCertNotYetValid Reason = "cert_not_yet_valid"
	// ReasonKeyUsageInvalid: the signer certificate allows neither
	// digitalSignature nor nonRepudiation.
	ReasonKeyUsageInvalid Reason = "key_usage_invalid"
	// ReasonModifiedAfterSigning: revisions after this signature changed
	// the document.
	ReasonModifiedAfterSigning Reason = "modified_after_signing"
	// ReasonNotWholeDocument: bytes at the end of the file are covered by
	// no signature.
	ReasonNotWholeDocument Reason = "not_whole_document"
	// ReasonCodeUnknown: the registry does not know the anti-forgery code.
	ReasonCodeUnknown Reason = "code_unknown"
	// ReasonDocumentSuperseded: the registry says a newer document
	// replaces this one.
	ReasonDocumentSuperseded Reason = "document_superseded"
	// ReasonDocumentWithdrawn: the registry says the document was withdrawn.
	ReasonDocumentWithdrawn Reason = "document_withdrawn"
	// ReasonDocumentExpired: the document is past its validity and its
	// verification window (VerifyWindowEnd): the registry no longer
	// vouches for it online, though its seal may still verify.
	ReasonDocumentExpired Reason = "document_expired"
	// ReasonRegistryDigestMismatch: the registry's SHA-256 of the issued
	// file differs from this file's.
	ReasonRegistryDigestMismatch Reason = "registry_digest_mismatch"
	// ReasonRegistryUnavailable: the registry could not be asked.
	ReasonRegistryUnavailable Reason = "registry_unavailable"
	// ReasonSealUnknown: the signature names a seal (SESeal digest) the
	// seal registry does not know.
	ReasonSealUnknown Reason = "seal_unknown"
	// ReasonSealNotActive: the seal the signature names is not active
	// (suspended, revoked, expired, or requested and not yet approved).
	ReasonSealNotActive Reason = "seal_not_active"
	// ReasonTimestampInvalid: the signature timestamp (or a document
	// timestamp's token) does not verify: its imprint is not over the
	// signature value (the byte ranges), its signature is bad, or the TSA
	// certificate is not a trusted, critical id-kp-timeStamping one valid
	// at the token's time.
	ReasonTimestampInvalid Reason = "timestamp_invalid"
	// ReasonCertRevoked: the signer certificate was revoked at or before
	// the proven signing time.
	ReasonCertRevoked Reason = "certificate_revoked"
	// ReasonUnsignedSignatureDict: a signature dictionary whose /Contents
	// was never filled, or one that no signature field refers to.
	ReasonUnsignedSignatureDict Reason = "unsigned_signature_dict"

	// The codes below come from the revision analysis and the structural
	// checks that defend against incremental saving, signature wrapping,
	// shadow and certification attacks. They accompany the general codes
	// above (modified_after_signing, byte_range_invalid) and say which
	// trick was found.

	// ReasonByteRangeOverlap: a signature's two ranges overlap or are out of
	// order, or two signatures share (part of) their /Contents gap.
	ReasonByteRangeOverlap Reason = "byte_range_overlap"
	// ReasonByteRangeContentsMismatch: the /ByteRange gap is not where this
	// signature dictionary's /Contents hex string sits in the file (the
	// signed bytes were relocated: signature wrapping).
	ReasonByteRangeContentsMismatch Reason = "byte_range_contents_mismatch"
	// ReasonSignatureOutsideRange: the signature dictionary itself is not
	// inside the bytes its signature covers (it lives in a later revision,
	// in an object stream, or inside the gap).
	ReasonSignatureOutsideRange Reason = "signature_outside_signed_range"
	// ReasonDuplicateContents: a signature dictionary has more than one
	// /Contents (or /ByteRange) key; readers disagree on which one counts.
	ReasonDuplicateContents Reason = "duplicate_contents"
	// ReasonDuplicateObject: one revision defines the same object number
	// twice, so the object a reader sees depends on how it reads the file.
	ReasonDuplicateObject Reason = "duplicate_object"
	// ReasonXrefIntoGap: a cross-reference entry points inside a
	// signature's /Contents gap, where unsigned bytes can hide objects.
	ReasonXrefIntoGap Reason = "xref_into_gap"
	// ReasonXrefInconsistent: a later revision's cross-reference chain does
	// not extend the earlier revision's (its /Prev skips or replaces a
	// signed section), or a revision cannot be read on its own.
	ReasonXrefInconsistent Reason = "xref_inconsistent"
	// ReasonObjStmShadow: a later revision redefines an object of the
	// signed revision through an object stream.
	ReasonObjStmShadow Reason = "objstm_shadow"
	// ReasonCertificationNotFirst: a certification signature (DocMDP) that
	// is not the first signature of the document.
	ReasonCertificationNotFirst Reason = "certification_not_first"
	// ReasonDocMDPViolation: a revision after a certification signature
	// makes changes its /P level does not permit.
	ReasonDocMDPViolation Reason = "docmdp_violation"
)

// Problem is one reason, with a human-readable message.
type Problem struct {
	Code    Reason `json:"code"`
	Message string `json:"message"`
}
