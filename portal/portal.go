package portal

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Defaults of Config.
const (
	DefaultPublicURL      = "http://127.0.0.1:8080"
	DefaultThemeColor     = "#1f5fa8" // 社保蓝: LD/T 91 names it, no public source gives its value
	DefaultSessionTTL     = 30 * time.Minute
	DefaultMaxUploadBytes = 10 << 20
	DefaultAgencyName     = "社会保险经办机构"
	// maxFormBytes caps every request body that is not a PDF upload.
	maxFormBytes = 64 << 10
	// multipartOverhead is allowed above MaxUploadBytes for the multipart
	// framing and the small form fields beside the file.
	multipartOverhead = 64 << 10
)

// ErrConfig: New was given an unusable configuration.
var ErrConfig = errors.New("portal: invalid configuration")

var themeColorRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`) })

// server holds what every handler needs.
type server struct {
	cfg       Config
	deps      Deps
	log       *slog.Logger
	secure    bool // cookies get the Secure attribute
	keys      keys
	pages     *templates
	metrics   *metrics
	loginByID *throttle
	loginByIP *throttle
	limits    *limiters
	trail     AuditTrail
	records   PersonRecords
	results   *resultCache // recent uploads' reports (report_cache.go)
}

// New validates cfg and deps and returns the portal's handler with every
// route and middleware installed.
func New(cfg Config, deps Deps) (http.Handler, error) {
	s, err := newServer(cfg, deps)
	if err != nil {
		return nil, err
	}
	return s.routes(), nil
}

func newServer(cfg Config, deps Deps) (*server, error) {
	if err := cfg.applyDefaults(); err != nil {
		return nil, err
	}
	if deps.Accounts == nil || deps.Documents == nil || deps.Audit == nil {
		return nil, fmt.Errorf("%w: Accounts, Documents and Audit are required", ErrConfig)
	}
	u, _ := url.Parse(cfg.PublicURL)
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &server{
		cfg:       cfg,
		deps:      deps,
		log:       cfg.Logger,
		secure:    u.Scheme == "https",
		keys:      deriveKeys(cfg.SessionKey),
		pages:     pages,
		metrics:   newMetrics(cfg.Version, cfg.Collectors),
		loginByID: newThrottle(loginFailuresPerLogin, loginWindow, throttleCapacity),
		loginByIP: newThrottle(loginFailuresPerIP, loginWindow, throttleCapacity),
		limits:    newLimiters(cfg.Limits, cfg.Institutions),
		trail:     deps.AuditTrail,
		results:   newResultCache(cfg.Now),
	}
	if s.trail == nil {
		s.trail, _ = deps.Audit.(AuditTrail)
	}
	if s.records = deps.Records; s.records == nil {
		s.records, _ = deps.Persons.(PersonRecords)
	}
	return s, nil
}

func (c *Config) applyDefaults() error {
	if c.PublicURL == "" {
		c.PublicURL = DefaultPublicURL
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: PublicURL %q is not an http(s) URL", ErrConfig, c.PublicURL)
	}
	if c.ThemeColor == "" {
		c.ThemeColor = DefaultThemeColor
	}
	if !themeColorRE().MatchString(c.ThemeColor) {
		return fmt.Errorf("%w: ThemeColor %q is not #rgb or #rrggbb", ErrConfig, c.ThemeColor)
	}
	if len(c.SessionKey) < 32 {
		return fmt.Errorf("%w: SessionKey must have at least 32 bytes", ErrConfig)
	}
	if c.SessionTTL <= 0 {
		c.SessionTTL = DefaultSessionTTL
	}
	if c.MaxUploadBytes <= 0 {
		c.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.AgencyName == "" {
		c.AgencyName = DefaultAgencyName
	}
	c.Limits.applyDefaults()
	if c.MaxBatchBytes <= 0 {
		c.MaxBatchBytes = DefaultMaxBatchBytes
	}
	for _, in := range c.Institutions {
		if !keyIDRE().MatchString(in.KeyID) || in.Name == "" {
			return fmt.Errorf("%w: institution %q needs a key id and a name", ErrConfig, in.KeyID)
		}
	}
	return nil
}
