// Package model holds the plain data records that flow between sihub's
// layers: insured persons, units, contributions, issued documents, seals,
// certificates, wrapped keys, accounts and audit entries.
//
// It sits at the bottom of the dependency graph and imports nothing of
// sihub. Money is in fen (1/100 yuan) as int64; months are "YYYY-MM".
package model

import (
	"errors"
	"time"
)

// Sentinel errors shared by every store backend and checked with errors.Is
// by the layers above.
var (
	// ErrNotFound: the record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique key (code, number, id, idempotency key) is taken,
	// or a record is not in the state a change requires (a seal approved
	// twice, a revoked seal resumed).
	ErrConflict = errors.New("conflict")
	// ErrForbidden: the actor may not make this change (e.g. approving
	// their own seal request).
	ErrForbidden = errors.New("forbidden")
	// ErrInvalid: a request is malformed (bad name, unknown algorithm,
	// unknown revocation reason).
	ErrInvalid = errors.New("invalid")
)

// Person is an insured person (参保人).
type Person struct {
	ID        string    `json:"id" bson:"_id"` // 公民身份号码 = 社会保障号码
	Name      string    `json:"name" bson:"name"`
	Sex       string    `json:"sex" bson:"sex"`               // "男" or "女"
	BirthDate string    `json:"birth_date" bson:"birth_date"` // YYYY-MM-DD
	Region    string    `json:"region" bson:"region"`         // 6-digit area code of the insuring agency
	UnitCode  string    `json:"unit_code" bson:"unit_code"`   // current employer's credit code, "" if none
	Phone     string    `json:"phone,omitempty" bson:"phone,omitempty"`
	Email     string    `json:"email,omitempty" bson:"email,omitempty"`
	Address   string    `json:"address,omitempty" bson:"address,omitempty"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// Unit is an insured employer (参保单位).
type Unit struct {
	CreditCode string    `json:"credit_code" bson:"_id"` // 统一社会信用代码
	Name       string    `json:"name" bson:"name"`
	Region     string    `json:"region" bson:"region"`
	Address    string    `json:"address,omitempty" bson:"address,omitempty"`
	CreatedAt  time.Time `json:"created_at" bson:"created_at"`
}

// Insurance types (AAE140).
const (
	InsPensionEnterprise = "110" // 企业职工基本养老保险
	InsPensionPublic     = "120" // 机关事业单位养老保险
	InsPensionResident   = "170" // 城乡居民基本养老保险
	InsUnemployment      = "210" // 失业保险
	InsMedical           = "310" // 职工基本医疗保险
	InsWorkInjury        = "410" // 工伤保险
	InsMaternity         = "510" // 生育保险
)

// Insurance status (AAC031).
const (
	InsStatusActive     = 1 // 参保缴费
	InsStatusSuspended  = 2 // 暂停缴费
	InsStatusTerminated = 3 // 终止参保
)

// Insurance is one person's enrolment in one insurance type.
type Insurance struct {
	PersonID string `json:"person_id" bson:"person_id"`
	Type     string `json:"type" bson:"type"`
	Status   int    `json:"status" bson:"status"`
	Since    string `json:"since" bson:"since"` // YYYY-MM of first enrolment
	UnitCode string `json:"unit_code" bson:"unit_code"`
}

// Contribution is one month of one insurance type for one person.
type Contribution struct {
	PersonID string `json:"person_id" bson:"person_id"`
	Month    string `json:"month" bson:"month"` // YYYY-MM
	Type     string `json:"type" bson:"type"`
	Base     int64  `json:"base" bson:"base"`         // contribution base, fen
	Employer int64  `json:"employer" bson:"employer"` // employer part, fen
	Personal int64  `json:"personal" bson:"personal"` // personal part, fen
	Paid     bool   `json:"paid" bson:"paid"`
	UnitCode string `json:"unit_code" bson:"unit_code"`
}

// DocumentStatus is the registry status of an issued document.
type DocumentStatus string

// Registry statuses.
const (
	DocValid      DocumentStatus = "valid"
	DocSuperseded DocumentStatus = "superseded"
	DocWithdrawn  DocumentStatus = "withdrawn"
)

// Document is the registry entry of an issued, sealed document. Its PDF is
// stored beside it; a code never resolves to a document whose PDF is not
// stored.
type Document struct {
	Code        string    `json:"code" bson:"_id"`        // anti-forgery code, canonical form (no separators, upper case)
	Number      string    `json:"number" bson:"number"`   // 文书编号, unique
	Kind        string    `json:"kind" bson:"kind"`       // e.g. "insurance-certificate"
	Subject     string    `json:"subject" bson:"subject"` // person ID or unit credit code
	SubjectName string    `json:"subject_name" bson:"subject_name"`
	Lang        string    `json:"lang" bson:"lang"`
	Algorithms  []string  `json:"algorithms" bson:"algorithms"`
	SealIDs     []string  `json:"seal_ids" bson:"seal_ids"`
	SHA256      string    `json:"sha256" bson:"sha256"` // hex digest of the stored PDF
	Size        int64     `json:"size" bson:"size"`
	IssuedAt    time.Time `json:"issued_at" bson:"issued_at"`
	ValidUntil  time.Time `json:"valid_until" bson:"valid_until"`
	// VerifyUntil ends the window in which the registry answers for the
	// document online (zero: no window of its own, ValidUntil applies).
	VerifyUntil    time.Time      `json:"verify_until,omitzero" bson:"verify_until,omitempty"`
	Status         DocumentStatus `json:"status" bson:"status"`
	StatusReason   string         `json:"status_reason,omitempty" bson:"status_reason,omitempty"`
	SupersededBy   string         `json:"superseded_by,omitempty" bson:"superseded_by,omitempty"`
	IdempotencyKey string         `json:"idempotency_key,omitempty" bson:"idempotency_key,omitempty"`
	// Params are the kind-specific inputs the document was issued from
	// (an application ID, a country, a posting period, a year), so that
	// a reissue repeats them.
	Params map[string]string `json:"params,omitempty" bson:"params,omitempty"`
}

// Seal statuses (Seal.Status). The lifecycle (LD/T 01-2020 6.2.7, issue
// of the seal authority): requested → (a second administrator) approved
// and active, or rejected; active ⇄ suspended; active or suspended →
// revoked; active → expired (validity over) or replaced (its successor
// approved). Only an active seal seals.
const (
	SealRequested = "requested"
	SealRejected  = "rejected"
	SealActive    = "active"
	SealSuspended = "suspended"
	SealRevoked   = "revoked"
	SealExpired   = "expired"
	SealReplaced  = "replaced"
)

// Seal is an electronic seal (电子印章) of the agency: a key behind hsm and
// the seal certificate that names it. A requested (not yet approved) seal
// has no key, certificate or SESeal.
type Seal struct {
	ID         string    `json:"id" bson:"_id"`
	Name       string    `json:"name" bson:"name"`     // e.g. "业务专用章"
	Agency     string    `json:"agency" bson:"agency"` // the agency's name as drawn around the seal
	Alg        string    `json:"alg" bson:"alg"`       // "sm2" or "p256"
	KeyID      string    `json:"key_id" bson:"key_id"`
	CertSerial string    `json:"cert_serial" bson:"cert_serial"` // hex serial of the seal certificate
	Status     string    `json:"status" bson:"status"`           // Seal* constants
	ValidFrom  time.Time `json:"valid_from" bson:"valid_from"`
	ValidUntil time.Time `json:"valid_until" bson:"valid_until"`
	CreatedAt  time.Time `json:"created_at" bson:"created_at"`
	// SESeal is the DER GB/T 38540 seal (SESeal) made for this seal; the
	// signatures it seals name it by its SM3 digest.
	SESeal []byte `json:"seseal,omitempty" bson:"seseal,omitempty"`

	// Lifecycle. RequestedBy and ApprovedBy are administrator logins and
	// never the same; StatusReason says why the last change was made
	// (rejection, suspension, revocation: an RFC 5280 reason name).
	RequestedBy     string     `json:"requested_by,omitempty" bson:"requested_by,omitempty"`
	RequestNote     string     `json:"request_note,omitempty" bson:"request_note,omitempty"`
	ApprovedBy      string     `json:"approved_by,omitempty" bson:"approved_by,omitempty"`
	ApprovedAt      *time.Time `json:"approved_at,omitempty" bson:"approved_at,omitempty"`
	StatusReason    string     `json:"status_reason,omitempty" bson:"status_reason,omitempty"`
	StatusChangedAt *time.Time `json:"status_changed_at,omitempty" bson:"status_changed_at,omitempty"`
	StatusChangedBy string     `json:"status_changed_by,omitempty" bson:"status_changed_by,omitempty"`
	// Replaces is the ID of the seal this one takes over from (its status
	// becomes replaced when this one is approved); ReplacedBy the reverse.
	Replaces   string `json:"replaces,omitempty" bson:"replaces,omitempty"`
	ReplacedBy string `json:"replaced_by,omitempty" bson:"replaced_by,omitempty"`
	// KeyURI names the backend the key lives on ("soft:" or an hsm URI
	// without its PIN); empty is the instance's default backend.
	KeyURI string `json:"key_uri,omitempty" bson:"key_uri,omitempty"`
}

// Certificate roles.
const (
	RoleRoot    = "root"
	RoleIssuing = "issuing"
	RoleSeal    = "seal"
)

// Certificate is a certificate sihub issued or trusts.
type Certificate struct {
	Serial       string     `json:"serial" bson:"_id"` // hex, lower case
	Alg          string     `json:"alg" bson:"alg"`
	Role         string     `json:"role" bson:"role"`
	Subject      string     `json:"subject" bson:"subject"`
	IssuerSerial string     `json:"issuer_serial" bson:"issuer_serial"` // "" for a root
	KeyID        string     `json:"key_id" bson:"key_id"`
	DER          []byte     `json:"der" bson:"der"`
	NotBefore    time.Time  `json:"not_before" bson:"not_before"`
	NotAfter     time.Time  `json:"not_after" bson:"not_after"`
	Status       string     `json:"status" bson:"status"` // "good", "revoked"
	RevokedAt    *time.Time `json:"revoked_at,omitempty" bson:"revoked_at,omitempty"`
	// RevocationReason is the RFC 5280 CRLReason code (0 unspecified, 1
	// keyCompromise, 2 cACompromise, 3 affiliationChanged, 4 superseded,
	// 5 cessationOfOperation, 6 certificateHold, 9 privilegeWithdrawn) of
	// a revoked certificate.
	RevocationReason int `json:"revocation_reason,omitempty" bson:"revocation_reason,omitempty"`
	// KeyURI names the backend the certificate's key lives on ("soft:" or
	// an hsm URI without its PIN); empty is the instance's default backend.
	KeyURI string `json:"key_uri,omitempty" bson:"key_uri,omitempty"`
}

// KeyBlob is a private key wrapped under a key-encryption key. Wrapped is a
// self-describing envelope (KDF, parameters, salt, nonce, ciphertext); it is
// never the plaintext key.
type KeyBlob struct {
	ID        string    `json:"id" bson:"_id"`
	Alg       string    `json:"alg" bson:"alg"`
	Label     string    `json:"label" bson:"label"`
	Wrapped   []byte    `json:"wrapped" bson:"wrapped"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// Account roles.
const (
	AccountCitizen = "citizen"
	AccountUnit    = "unit"
	AccountClerk   = "clerk"
	AccountCAAdmin = "ca-admin"
)

// Account is a portal login.
type Account struct {
	Login        string    `json:"login" bson:"_id"` // person ID, credit code, or staff login
	Role         string    `json:"role" bson:"role"`
	DisplayName  string    `json:"display_name" bson:"display_name"`
	PasswordHash string    `json:"-" bson:"password_hash"`
	PersonID     string    `json:"person_id,omitempty" bson:"person_id,omitempty"`
	UnitCode     string    `json:"unit_code,omitempty" bson:"unit_code,omitempty"`
	Disabled     bool      `json:"disabled" bson:"disabled"`
	CreatedAt    time.Time `json:"created_at" bson:"created_at"`
}

// APIKey lets an institution (a bank, an employer) call the verification API.
// Only a hash of the secret is stored.
type APIKey struct {
	ID          string    `json:"id" bson:"_id"`
	Institution string    `json:"institution" bson:"institution"`
	SecretHash  string    `json:"-" bson:"secret_hash"`
	Scopes      []string  `json:"scopes" bson:"scopes"`
	CreatedAt   time.Time `json:"created_at" bson:"created_at"`
}

// AuditEntry is one line of the audit trail. Entries are append-only.
type AuditEntry struct {
	ID      string    `json:"id" bson:"_id"`
	Time    time.Time `json:"time" bson:"time"`
	Actor   string    `json:"actor" bson:"actor"`     // login, "api:<key id>", "cli", "system"
	Action  string    `json:"action" bson:"action"`   // e.g. "document.issue", "document.download", "document.verify", "auth.login"
	Object  string    `json:"object" bson:"object"`   // e.g. a document code
	Outcome string    `json:"outcome" bson:"outcome"` // "ok", "denied", "failed", "invalid"
	Remote  string    `json:"remote,omitempty" bson:"remote,omitempty"`
	Detail  string    `json:"detail,omitempty" bson:"detail,omitempty"`
}

// Message is an in-platform message (站内消息) to an account or to every
// account of a role: seal expiry warnings to the seal administrators, a
// document's download link to its holder.
type Message struct {
	ID string `json:"id" bson:"_id"`
	// Recipient is an account login, or "role:" and an account role
	// (e.g. "role:ca-admin") for every account of that role.
	Recipient string `json:"recipient" bson:"recipient"`
	// Kind says what the message is about, e.g. "seal.expiry",
	// "document.issued".
	Kind    string `json:"kind" bson:"kind"`
	Subject string `json:"subject" bson:"subject"`
	Body    string `json:"body" bson:"body"`
	// Link is a path in the portal the message points to, e.g. "/ca/seals/x".
	Link string `json:"link,omitempty" bson:"link,omitempty"`
	// DedupKey, if set, is unique: a second message with the same key is
	// ErrConflict (one expiry warning per seal and day, however many
	// processes check).
	DedupKey  string     `json:"dedup_key,omitempty" bson:"dedup_key,omitempty"`
	CreatedAt time.Time  `json:"created_at" bson:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty" bson:"read_at,omitempty"`
}

// RoleRecipient is the Message.Recipient that reaches every account of role.
func RoleRecipient(role string) string { return "role:" + role }
