package netguard

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Size caps for the usual fetches, and the largest cap a call may ask for.
const (
	MaxOCSPBytes  = 1 << 20
	MaxCRLBytes   = 20 << 20
	MaxBytesLimit = 64 << 20
)

// maxAddresses caps the resolved addresses tried for one connection.
const maxAddresses = 4

// Resolver resolves host names; *net.Resolver has this method.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Config configures a Client. Zero values take the documented defaults.
type Config struct {
	// Allow lists what may be fetched; empty allows nothing.
	Allow AllowList
	// AllowPrefixes are special address ranges (loopback, private …) that
	// may nevertheless be dialed; empty allows none.
	AllowPrefixes []netip.Prefix
	// ConnectTimeout bounds one TCP connect (and the TLS handshake);
	// default 5 s.
	ConnectTimeout time.Duration
	// Timeout bounds a whole fetch, redirects and body included; default
	// 15 s.
	Timeout time.Duration
	// MaxRedirects is how many redirects are followed; default 3, negative
	// follows none.
	MaxRedirects int
	// RootCAs verify https servers; nil is the system's roots.
	RootCAs *x509.CertPool
	// Resolver resolves names; nil is net.DefaultResolver.
	Resolver Resolver
	// Logger receives one line per fetch; nil is slog.Default().
	Logger *slog.Logger
	// Now times the fetches for the log; nil is time.Now.
	Now func() time.Time
}

// Client fetches allow-listed URLs. It is safe for concurrent use.
type Client struct {
	cfg    Config
	policy addressPolicy
	http   *http.Client
	stats  counters
}

// New returns a Client with cfg's settings.
func New(cfg Config) (*Client, error) {
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 5 * time.Second
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.ConnectTimeout < 0 || cfg.Timeout < 0 {
		return nil, fmt.Errorf("%w: negative timeout", ErrInvalid)
	}
	switch {
	case cfg.MaxRedirects == 0:
		cfg.MaxRedirects = 3
	case cfg.MaxRedirects < 0:
		cfg.MaxRedirects = 0
	}
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Client{cfg: cfg, policy: addressPolicy{allow: cfg.AllowPrefixes}}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would dial on our behalf, past the address check
		DialContext:            c.dial,
		TLSClientConfig:        &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    cfg.ConnectTimeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		MaxIdleConns:           16,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        30 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
	}
	c.http = &http.Client{Transport: tr, CheckRedirect: c.checkRedirect}
	return c, nil
}

// Allowed reports whether rawURL passes the allow list (nil) or why not;
// nothing is dialed.
func (c *Client) Allowed(rawURL string) error {
	u, err := parseURL(rawURL)
	if err != nil {
		return err
	}
	return c.cfg.Allow.Check(u)
}

// Response is a fetched body.
type Response struct {
	// URL is the final URL after redirects, without its query.
	URL         string
	StatusCode  int
	ContentType string
	Body        []byte
}

// Get fetches rawURL, reading at most maxBytes of body.
func (c *Client) Get(ctx context.Context, rawURL string, maxBytes int64) (*Response, error) {
	return c.do(ctx, http.MethodGet, rawURL, "", nil, maxBytes)
}

// Post sends body with contentType to rawURL, reading at most maxBytes of
// the answer.
func (c *Client) Post(ctx context.Context, rawURL, contentType string, body []byte, maxBytes int64) (*Response, error) {
	return c.do(ctx, http.MethodPost, rawURL, contentType, body, maxBytes)
}

func parseURL(rawURL string) (*url.URL, error) {
	if len(rawURL) > 4096 {
		return nil, fmt.Errorf("%w: URL of %d bytes", ErrInvalid, len(rawURL))
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: URL does not parse", ErrInvalid)
	}
	return u, nil
}

func (c *Client) do(ctx context.Context, method, rawURL, contentType string, body []byte, maxBytes int64) (resp *Response, err error) {
	if maxBytes <= 0 || maxBytes > MaxBytesLimit {
		return nil, fmt.Errorf("%w: byte cap %d outside 1…%d", ErrInvalid, maxBytes, MaxBytesLimit)
	}
	start := c.cfg.Now()
	u, err := parseURL(rawURL)
	if err == nil {
		err = c.cfg.Allow.Check(u)
	}
	host, path := "", ""
	if u != nil {
		host, path = u.Host, truncate(u.EscapedPath(), 96)
	}
	status, n := 0, 0
	defer func() {
		c.record(outcomeOf(err), n)
		level := slog.LevelInfo
		attrs := []any{"method", method, "host", host, "path", path, "status", status, "bytes", n,
			"ms", c.cfg.Now().Sub(start).Milliseconds(), "outcome", outcomeOf(err)}
		if err != nil {
			level = slog.LevelWarn
			attrs = append(attrs, "err", err.Error())
		}
		c.cfg.Logger.Log(context.WithoutCancel(ctx), level, "outbound fetch", attrs...)
	}()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "sihub")
	hr, err := c.http.Do(req)
	if err != nil {
		return nil, c.classify(ctx, err)
	}
	defer hr.Body.Close()
	status = hr.StatusCode
	final := *hr.Request.URL
	final.RawQuery, final.Fragment = "", ""
	host = final.Host
	if hr.ContentLength > maxBytes {
		return nil, fmt.Errorf("%w: %s announces %d bytes, the cap is %d", ErrTooLarge, final.Host, hr.ContentLength, maxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(hr.Body, maxBytes+1))
	n = len(data)
	if err != nil {
		return nil, c.classify(ctx, err)
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("%w: %s sent more than %d bytes", ErrTooLarge, final.Host, maxBytes)
	}
	resp = &Response{URL: final.String(), StatusCode: hr.StatusCode, ContentType: hr.Header.Get("Content-Type"), Body: data}
	if hr.StatusCode < 200 || hr.StatusCode > 299 {
		return resp, fmt.Errorf("%w: %s answered %d", ErrStatus, final.Host, hr.StatusCode)
	}
	return resp, nil
}

// classify maps a transport error to the package's kinds, keeping the
// cause's text.
func (c *Client) classify(ctx context.Context, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // drop the URL: it may carry a query
	}
	switch {
	case errors.Is(err, ErrNotAllowed), errors.Is(err, ErrTooLarge), errors.Is(err, ErrInvalid):
		return err
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%w: %v", ErrTimeout, err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%w: %v", ErrTimeout, err)
	}
	return fmt.Errorf("netguard: %w", err)
}

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > c.cfg.MaxRedirects {
		return fmt.Errorf("%w: more than %d redirects", ErrNotAllowed, c.cfg.MaxRedirects)
	}
	if err := c.cfg.Allow.Check(req.URL); err != nil {
		return fmt.Errorf("redirect: %w", err)
	}
	if strings.EqualFold(via[len(via)-1].URL.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https") {
		return fmt.Errorf("%w: redirect from https to %s", ErrNotAllowed, req.URL.Scheme)
	}
	return nil
}

// dial resolves addr itself, refuses special addresses before dialing and
// checks the socket's address once more in the dialer's Control hook.
func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: address %q", ErrInvalid, addr)
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("%w: port %q", ErrInvalid, portText)
	}
	var literal netip.Addr
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		literal = ip.Unmap()
		addrs = []netip.Addr{literal}
	} else {
		addrs, err = c.cfg.Resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, fmt.Errorf("netguard: resolving %s: %w", host, err)
		}
		if len(addrs) == 0 {
			return nil, fmt.Errorf("netguard: %s has no address", host)
		}
	}
	if len(addrs) > maxAddresses {
		addrs = addrs[:maxAddresses]
	}
	var errs []error
	for _, a := range addrs {
		a = a.Unmap()
		if err := c.policy.check(a, literal); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", host, err))
			continue
		}
		d := net.Dialer{Timeout: c.cfg.ConnectTimeout, Control: c.control(literal)}
		conn, err := d.DialContext(ctx, network, netip.AddrPortFrom(a, uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// control is the last word on the address a socket connects to.
func (c *Client) control(literal netip.Addr) func(network, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: dialed address %q", ErrNotAllowed, address)
		}
		return c.policy.check(ap.Addr(), literal)
	}
}
