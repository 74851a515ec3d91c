// Package app wires sihub together: it opens the store, the key backend
// and the development PKI, seeds demo data on first start, and builds the
// issuing service, the verifier and the portal. cmd/sihub and the
// end-to-end tests use it; nothing below it imports it.
package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"sihub/hsm/soft"
	"sihub/internal/netguard"
	"sihub/signer"
	"sihub/store"
)

// DevelopmentPassphrase protects software keys when SIHUB_KEY_PASSPHRASE is
// not set. The server warns at every start while it is in use.
const DevelopmentPassphrase = soft.DevelopmentPassphrase

// Config is sihub's typed configuration. Every field has a documented
// default; FromEnv reads the SIHUB_* environment variables.
type Config struct {
	Addr          string        // SIHUB_ADDR, default 127.0.0.1:8080
	DataDir       string        // SIHUB_DATA, default ./data
	PublicURL     string        // SIHUB_PUBLIC_URL, default http://127.0.0.1:8080
	MongoURI      string        // SIHUB_MONGO_URI; empty selects the embedded SQLite store
	MongoDB       string        // SIHUB_MONGO_DB, default sihub
	KeyPassphrase string        // SIHUB_KEY_PASSPHRASE, default DevelopmentPassphrase (warned about)
	HSMURI        string        // SIHUB_HSM_URI: "soft:" (default, the wrapped software keystore), "pkcs11:…" (RFC 7512) or "sdf:…"
	Agency        string        // SIHUB_AGENCY, default 示范市社会保险事业管理中心
	Region        string        // SIHUB_REGION, default 110105
	RegionName    string        // SIHUB_REGION_NAME, default 示范市 (printed as 参保地)
	ThemeColor    string        // SIHUB_THEME_COLOR, default #1f5fa8
	Validity      time.Duration // SIHUB_CERT_VALIDITY (Go duration), default 2160h (90 days)
	Demo          bool          // SIHUB_DEMO, default true: seed the demo accounts and records on first start
	MaxUpload     int64         // SIHUB_MAX_UPLOAD bytes, default 16 MiB
	// FetchAllow lists the hosts OCSP, CRL and time-stamp fetches may
	// reach (SIHUB_FETCH_ALLOW): comma-separated patterns
	// [http://|https://]host[:port|:*], host a DNS name, *.suffix or an IP
	// literal (see netguard.ParsePattern). Default "": the host of
	// PublicURL only; "none": no outbound fetch at all.
	FetchAllow string
	// FetchAllowNets are address ranges outbound fetches may dial although
	// they are loopback, private or otherwise special
	// (SIHUB_FETCH_ALLOW_NETS, comma-separated CIDR prefixes such as
	// 10.8.0.0/16), for responders on an internal network. Default none.
	FetchAllowNets string
	// FetchTimeout bounds one outbound fetch, redirects and body included
	// (SIHUB_FETCH_TIMEOUT, Go duration), default 10s (also when zero).
	FetchTimeout time.Duration
	// Kinds and Levels override the document kinds' validity,
	// verification window and PAdES level (SIHUB_KINDS, see
	// parseKindsEnv); kinds they do not name keep signer's defaults.
	Kinds  map[string]signer.KindConfig
	Levels map[string]signer.Level

	Now func() time.Time // injected clock; default time.Now
}

// Defaults returns the configuration with every default filled in.
func Defaults() Config {
	return Config{
		Addr:          "127.0.0.1:8080",
		DataDir:       "data",
		PublicURL:     "http://127.0.0.1:8080",
		MongoDB:       "sihub",
		KeyPassphrase: DevelopmentPassphrase,
		Agency:        "示范市社会保险事业管理中心",
		Region:        "110105",
		RegionName:    "示范市",
		ThemeColor:    "#1f5fa8",
		Validity:      90 * 24 * time.Hour,
		Demo:          true,
		MaxUpload:     16 << 20,
		FetchTimeout:  10 * time.Second,
		Now:           time.Now,
	}
}

// FromEnv returns the defaults overridden by the environment.
func FromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := Defaults()
	set := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	set("SIHUB_ADDR", &c.Addr)
	set("SIHUB_DATA", &c.DataDir)
	set("SIHUB_PUBLIC_URL", &c.PublicURL)
	set("SIHUB_MONGO_URI", &c.MongoURI)
	set("SIHUB_MONGO_DB", &c.MongoDB)
	set("SIHUB_HSM_URI", &c.HSMURI)
	if v := getenv("SIHUB_KEY_PASSPHRASE"); v != "" {
		c.KeyPassphrase = v
	}
	set("SIHUB_AGENCY", &c.Agency)
	set("SIHUB_REGION", &c.Region)
	set("SIHUB_REGION_NAME", &c.RegionName)
	set("SIHUB_THEME_COLOR", &c.ThemeColor)
	if v := getenv("SIHUB_CERT_VALIDITY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, fmt.Errorf("app: SIHUB_CERT_VALIDITY: %w", err)
		}
		c.Validity = d
	}
	if v := getenv("SIHUB_KINDS"); v != "" {
		var err error
		if c.Kinds, c.Levels, err = parseKindsEnv(v); err != nil {
			return c, err
		}
	}
	if v := getenv("SIHUB_DEMO"); v != "" {
		c.Demo = v == "1" || strings.EqualFold(v, "true") || strings.EqualFold(v, "yes")
	}
	if v := getenv("SIHUB_MAX_UPLOAD"); v != "" {
		var n int64
		if _, err := fmt.Sscan(v, &n); err != nil || n <= 0 {
			return c, fmt.Errorf("app: SIHUB_MAX_UPLOAD must be a positive number of bytes, got %q", v)
		}
		c.MaxUpload = n
	}
	set("SIHUB_FETCH_ALLOW", &c.FetchAllow)
	set("SIHUB_FETCH_ALLOW_NETS", &c.FetchAllowNets)
	if v := getenv("SIHUB_FETCH_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, fmt.Errorf("app: SIHUB_FETCH_TIMEOUT: %w", err)
		}
		c.FetchTimeout = d
	}
	return c, c.Validate()
}

// Validate checks the configuration.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("SIHUB_ADDR %q: %v", c.Addr, err))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("SIHUB_PUBLIC_URL %q is not an http(s) URL", c.PublicURL))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("SIHUB_DATA is empty"))
	}
	if len(c.KeyPassphrase) < 12 {
		errs = append(errs, errors.New("SIHUB_KEY_PASSPHRASE must have at least 12 characters"))
	}
	if c.HSMURI != "" && !strings.HasPrefix(c.HSMURI, "soft:") && !strings.HasPrefix(c.HSMURI, "pkcs11:") && !strings.HasPrefix(c.HSMURI, "sdf:") {
		errs = append(errs, errors.New("SIHUB_HSM_URI must start with soft:, pkcs11: or sdf:"))
	}
	if c.Agency == "" {
		errs = append(errs, errors.New("SIHUB_AGENCY is empty"))
	}
	if c.Validity < 24*time.Hour {
		errs = append(errs, fmt.Errorf("SIHUB_CERT_VALIDITY %s is shorter than a day", c.Validity))
	}
	if _, err := c.FetchAllowList(); err != nil {
		errs = append(errs, fmt.Errorf("SIHUB_FETCH_ALLOW: %w", err))
	}
	if _, err := c.fetchAllowNets(); err != nil {
		errs = append(errs, err)
	}
	if c.FetchTimeout != 0 && (c.FetchTimeout < 100*time.Millisecond || c.FetchTimeout > 2*time.Minute) {
		errs = append(errs, fmt.Errorf("SIHUB_FETCH_TIMEOUT %s is outside 100ms…2m", c.FetchTimeout))
	}
	if len(errs) > 0 {
		return fmt.Errorf("app: configuration: %w", errors.Join(errs...))
	}
	return nil
}

func (c Config) storeConfig() store.Config {
	return store.Config{DataDir: c.DataDir, MongoURI: c.MongoURI, MongoDatabase: c.MongoDB}
}

// FetchAllowList is the allow list of outbound fetches: FetchAllow
// parsed, or the scheme, host and port of PublicURL when it is empty.
func (c Config) FetchAllowList() (netguard.AllowList, error) {
	switch strings.TrimSpace(c.FetchAllow) {
	case "none":
		return nil, nil
	case "":
		u, err := url.Parse(c.PublicURL)
		if err != nil {
			return nil, err
		}
		p, err := netguard.ParsePattern(u.Scheme + "://" + u.Host)
		if err != nil {
			return nil, err
		}
		return netguard.AllowList{p}, nil
	}
	return netguard.ParseAllowList(c.FetchAllow)
}

// fetchAllowNets parses FetchAllowNets.
func (c Config) fetchAllowNets() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(c.FetchAllowNets, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return nil, fmt.Errorf("SIHUB_FETCH_ALLOW_NETS: %q is not a CIDR prefix", item)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// fetchClient is the guarded client every outbound fetch goes through.
func (c Config) fetchClient(log *slog.Logger) (*netguard.Client, error) {
	allow, err := c.FetchAllowList()
	if err != nil {
		return nil, fmt.Errorf("app: SIHUB_FETCH_ALLOW: %w", err)
	}
	nets, err := c.fetchAllowNets()
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	timeout := c.FetchTimeout
	if timeout == 0 {
		timeout = Defaults().FetchTimeout
	}
	connect := timeout / 2
	if connect > 5*time.Second {
		connect = 5 * time.Second
	}
	return netguard.New(netguard.Config{Allow: allow, AllowPrefixes: nets, Timeout: timeout, ConnectTimeout: connect, Logger: log, Now: c.Now})
}

// DevelopmentKeys reports whether keys are protected by the development passphrase.
func (c Config) DevelopmentKeys() bool { return c.KeyPassphrase == DevelopmentPassphrase }
