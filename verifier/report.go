package verifier

import "time"

// Report is the outcome of a verification (DESIGN.md §4). Slices are never
// nil, so they encode as [] in JSON.
type Report struct {
	Valid      bool              `json:"valid"`
	Signatures []SignatureReport `json:"signatures"`
	Document   DocumentReport    `json:"document"`
	// Errors are the document's own problems (structure, coverage,
	// registry); each signature has its own Errors.
	Errors    []Problem `json:"errors"`
	CheckedAt time.Time `json:"checked_at"`
	// Revisions describes each revision of the file, oldest first, with
	// the changes it made to the previous one.
	Revisions []RevisionReport `json:"revisions"`
}

// RevisionReport is one revision of the file: the bytes up to EndOffset.
type RevisionReport struct {
	Index     int   `json:"index"`
	EndOffset int64 `json:"end_offset"`
	// Signatures are the indexes (in Report.Signatures) of the signatures
	// whose byte range ends with this revision.
	Signatures []int `json:"signatures"`
	// Changes are the objects this revision adds, changes or frees
	// compared with the previous revision (none for the first).
	Changes []ChangeReport `json:"changes"`
}

// Change kinds in ChangeReport.Kind.
const (
	ChangeSignature      = "signature"
	ChangeDocTimestamp   = "doc_timestamp"
	ChangeSignatureField = "signature_field"
	ChangeAppearance     = "signature_appearance"
	ChangeDSS            = "dss"
	ChangeXrefStream     = "xref_stream"
	ChangeObjectStream   = "object_stream"
	ChangeCatalog        = "catalog"
	ChangeAcroForm       = "acroform"
	ChangePages          = "pages"
	ChangePage           = "page"
	ChangePageContent    = "page_content"
	ChangeAnnotation     = "annotation"
	ChangeFormField      = "form_field"
	ChangeFont           = "font"
	ChangeXObject        = "xobject"
	ChangeInfo           = "info"
	ChangeMetadata       = "metadata"
	ChangeTrailer        = "trailer"
	ChangeObject         = "object"
)

// ChangeReport is one object a revision changed. Object 0 stands for the
// trailer.
type ChangeReport struct {
	Object int `json:"object"`
	// Kind says what the object is (Change* constants).
	Kind string `json:"kind"`
	// Action is "added", "modified", "freed" or "unchanged" (rewritten with
	// the same value).
	Action  string `json:"action"`
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason"`
}

// SignatureReport describes one signature.
type SignatureReport struct {
	// Field is the fully qualified name of the signature field; empty for a
	// signature dictionary no field refers to.
	Field string `json:"field"`
	// Type is "signature" or "doc_timestamp".
	Type      string `json:"type"`
	SubFilter string `json:"sub_filter"`
	// Algorithm names the signature algorithm, e.g. "SM2-SM3",
	// "ECDSA-P256-SHA256".
	Algorithm    string `json:"algorithm"`
	Signer       string `json:"signer"`
	SignerSerial string `json:"signer_serial"`
	Issuer       string `json:"issuer"`
	// ByteRange is the signature's /ByteRange as written (nil if unusable).
	ByteRange []int64 `json:"byte_range"`
	// CoversWholeDocument: the byte range ends at the end of the file.
	CoversWholeDocument bool `json:"covers_whole_document"`
	// IntegrityValid: the digest of the byte ranges matches and the CMS
	// signature verifies with the signer certificate.
	IntegrityValid bool                `json:"integrity_valid"`
	ChainTrusted   bool                `json:"chain_trusted"`
	Chain          []CertificateReport `json:"chain"`
	// Revocation is the signer certificate's state at the proven signing
	// time (Revocation* constants); RevocationSource says where the answer
	// came from (RevocationSource* constants, "" when not checked) and
	// RevokedAt when it was revoked.
	Revocation       string     `json:"revocation"`
	RevocationSource string     `json:"revocation_source"`
	RevokedAt        *time.Time `json:"revoked_at,omitempty"`
	// Timestamp is the signature timestamp (for a signature) or the token
	// itself (for a document timestamp); nil when there is none.
	Timestamp *TimestampReport `json:"timestamp,omitempty"`
	// ModifiedAfterSigning: later revisions changed the document; the
	// objects later revisions define or free are in ChangedObjects (object
	// numbers), whether or not they are allowed changes.
	ModifiedAfterSigning bool  `json:"modified_after_signing"`
	ChangedObjects       []int `json:"changed_objects"`
	// SignedAt is the signingTime attribute, else the dictionary's /M; nil
	// when neither is present. SignedAtSource says which ("signing_time",
	// "dictionary", "").
	SignedAt       *time.Time `json:"signed_at"`
	SignedAtSource string     `json:"signed_at_source"`
	Level          string     `json:"level"`
	// Seal is the seal the signature names (DESIGN.md §4); nil when it
	// names none.
	Seal   *SealReport `json:"seal,omitempty"`
	Valid  bool        `json:"valid"`
	Errors []Problem   `json:"errors"`
	// Notes are facts that do not make the signature invalid, e.g. a
	// revocation after the proven signing time.
	Notes []string `json:"notes,omitempty"`

	// expiredSince: the only certificate problem is that the chain has
	// expired since the signing time (a later document timestamp may
	// still prove the signature's existence before that).
	expiredSince bool
}

// PAdES levels in SignatureReport.Level (signatures only; empty for a
// document timestamp).
const (
	LevelBB   = "B-B"
	LevelBT   = "B-T"
	LevelBLT  = "B-LT"
	LevelBLTA = "B-LTA"
)

// TimestampReport describes an RFC 3161 time-stamp token.
type TimestampReport struct {
	// GenTime is the token's time (zero when it could not be read).
	GenTime time.Time `json:"gen_time"`
	// TSA is the subject of the time-stamping authority's certificate.
	TSA string `json:"tsa"`
	// Valid: the token's signature, its imprint, the TSA certificate
	// (critical id-kp-timeStamping, valid at GenTime) and its chain to a
	// trust anchor all check out.
	Valid bool `json:"valid"`
	// Error says why it is not valid.
	Error string `json:"error,omitempty"`
}

// CertificateReport describes one certificate of a signer's chain, leaf
// first.
type CertificateReport struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	SHA256    string    `json:"sha256"`
}

// Registry statuses of a document as reported.
const (
	RegistryValid      = "valid"
	RegistrySuperseded = "superseded"
	RegistryWithdrawn  = "withdrawn"
	RegistryExpired    = "expired" // past its verification window
	RegistryUnknown    = "unknown"
	RegistryNotChecked = "not_checked"
)

// DocumentReport describes the document as a whole.
type DocumentReport struct {
	// Code and Number are the anti-forgery code and document number read
	// from the signed revision's /Info (/SihubCode, /SihubNumber); empty
	// for documents sihub did not issue.
	Code           string `json:"code"`
	Number         string `json:"number"`
	RegistryStatus string `json:"registry_status"`
	// Kind, SubjectMasked and ValidUntil come from the registry entry.
	Kind          string     `json:"kind,omitempty"`
	SubjectMasked string     `json:"subject_masked,omitempty"`
	ValidUntil    *time.Time `json:"valid_until,omitempty"`
	SupersededBy  string     `json:"superseded_by,omitempty"`
	// VerifyUntil ends the registry's verification window
	// (VerifyWindowEnd).
	VerifyUntil *time.Time `json:"verify_until,omitempty"`
	SHA256      string     `json:"sha256"`
	Size        int64      `json:"size"`
	// Revisions counts the file's cross-reference sections.
	Revisions int `json:"revisions"`
}

func (r *Report) addError(code Reason, msg string) {
	r.Errors = append(r.Errors, Problem{Code: code, Message: msg})
}

func (s *SignatureReport) addError(code Reason, msg string) {
	s.Errors = append(s.Errors, Problem{Code: code, Message: msg})
}

// HasReason reports whether the document or any signature has code.
func (r *Report) HasReason(code Reason) bool {
	for _, p := range r.Errors {
		if p.Code == code {
			return true
		}
	}
	for _, s := range r.Signatures {
		for _, p := range s.Errors {
			if p.Code == code {
				return true
			}
		}
	}
	return false
}
