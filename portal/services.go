package portal

import (
	"context"
	"github.com/prometheus/client_golang/prometheus"
	"log/slog"
	"time"

	"sihub/model"
	"sihub/signer"
	"sihub/verifier"
)

// Accounts finds portal logins.
type Accounts interface {
	Account(ctx context.Context, login string) (model.Account, error)
}

// Documents reads the registry of issued documents.
type Documents interface {
	// DocumentsBySubject lists a subject's documents, newest first.
	DocumentsBySubject(ctx context.Context, subject string) ([]model.Document, error)
	// DocumentByCode finds a document by its canonical anti-forgery code;
	// model.ErrNotFound when there is none.
	DocumentByCode(ctx context.Context, code string) (model.Document, error)
	DocumentPDF(ctx context.Context, code string) ([]byte, error)
}

// Persons reads insured persons (for names shown to their owner).
type Persons interface {
	Person(ctx context.Context, id string) (model.Person, error)
}

// Issuer issues sealed documents (signer.Service).
type Issuer interface {
	Issue(ctx context.Context, req signer.IssueRequest) (*signer.Issued, error)
}

// Verifier checks a PDF and reports; it never fails: every problem is in
// the report (verifier.Verifier).
type Verifier interface {
	Verify(ctx context.Context, pdf []byte) *verifier.Report
}

// QRClaims are the fields a signed QR token vouches for (signer/qrtoken
// Claims). Holder fields are masked as printed; empty ones are not compared.
type QRClaims struct {
	Code       string
	Number     string
	Kind       string
	HolderName string // masked, e.g. "张*"
	HolderID   string // masked, e.g. "110105********1239"
	IssuedAt   time.Time
	ValidUntil time.Time
}

// QRChecker verifies the signed compact token carried in a QR URL
// (/v/{code}?t=…) against the seal certificates and returns the claims it
// vouches for; an error means the token is not authentic or not readable.
// Optional.
type QRChecker interface {
	CheckToken(ctx context.Context, token string) (QRClaims, error)
}

// Audit appends to the audit trail.
type Audit interface {
	AppendAudit(ctx context.Context, e model.AuditEntry) error
}

// AuditTrail reads the audit trail (store.Audit): entries with Time >=
// since, filtered by action and object ("" for all), oldest first, at most
// limit.
type AuditTrail interface {
	AuditEntries(ctx context.Context, since time.Time, action, object string, limit int) ([]model.AuditEntry, error)
}

// APIKeys finds institutions' API keys (store.Accounts); model.ErrNotFound
// when there is none.
type APIKeys interface {
	APIKey(ctx context.Context, id string) (model.APIKey, error)
}

// Deps are the services the portal consumes. Accounts, Documents and Audit
// are required; without Issuer, Verifier or QRChecker the features that
// need them answer "service unavailable" (QR: the token is not checked);
// without Persons display names come from the account. Without APIKeys
// every presented API key is refused (401) and the batch endpoint cannot
// be used; AuditTrail defaults to Audit when that has AuditEntries, and
// without it a citizen's document page shows no access history.
type Deps struct {
	Accounts   Accounts
	Documents  Documents
	Persons    Persons
	Issuer     Issuer
	Verifier   Verifier
	QRChecker  QRChecker
	Audit      Audit
	APIKeys    APIKeys
	AuditTrail AuditTrail
	// CAAdmin serves the CA administrator pages and API; without it they
	// answer "service unavailable".
	CAAdmin CAAdmin
	// Reports seals verification reports (the PDF a verifier downloads);
	// without it the download answers "service unavailable".
	Reports ReportIssuer
	// Records decide the choices of 我的证明 (the years of a yearly
	// statement, whether benefit details can be had); it defaults to
	// Persons when that has them, and without it every year of the last
	// ten is offered and the signer says what cannot be issued.
	Records PersonRecords
	// Inbox holds citizens' and units' in-platform messages (/me/messages);
	// without it that page answers "service unavailable" and the header
	// shows no count.
	Inbox Inbox
}

// Config configures the portal. Zero values take the documented defaults.
type Config struct {
	// PublicURL is the externally visible base URL (default
	// "http://127.0.0.1:8080"); https makes cookies Secure.
	PublicURL string
	// ThemeColor is the main colour, "#rgb" or "#rrggbb" (default
	// DefaultThemeColor, 社保蓝).
	ThemeColor string
	// SessionKey signs session and CSRF cookies; at least 32 bytes, required.
	SessionKey []byte
	// SessionTTL is the absolute lifetime of a login (default 30 minutes).
	SessionTTL time.Duration
	// MaxUploadBytes caps an uploaded PDF (default 10 MiB).
	MaxUploadBytes int64
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives the access log and errors (default slog.Default()).
	Logger *slog.Logger
	// Version is shown in the footer and /healthz.
	Version string
	// AgencyName is shown in the header (default "社会保险经办机构").
	AgencyName string
	// Collectors are further Prometheus collectors served at /metrics
	// beside the portal's own (for example certificate expiry).
	Collectors []prometheus.Collector
	// Limits are the rate limits and API quotas (zero fields: defaults).
	Limits Limits
	// Institutions are the API key holders a citizen may grant consent
	// to, and whose names the access history shows.
	Institutions []Institution
	// MaxBatchBytes caps the body of a batch of PDFs (default
	// DefaultMaxBatchBytes); each file is also capped by MaxUploadBytes.
	MaxBatchBytes int64
}

// Institution is a configured holder of an API key.
type Institution struct {
	KeyID string // model.APIKey.ID
	Name  string // shown to citizens, e.g. "示范银行股份有限公司"
	// PerMinute and PerDay override Limits.APIPerMinute and
	// Limits.APIPerDay for this key when positive.
	PerMinute, PerDay int
}
