package netguard

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// maxPatternLen caps one allow-list pattern; maxPatterns caps a list.
const (
	maxPatternLen = 300
	maxPatterns   = 64
)

// Pattern is one allow-list entry, written
//
//	[http://|https://]host[:port]
//
// where host is a DNS name, "*." followed by a DNS name of at least two
// labels (any name strictly below it), an IPv4 literal or a bracketed IPv6
// literal, and port is a decimal port or "*". Without a scheme both http
// and https match; without a port only the scheme's default port (80,
// 443) matches.
type Pattern struct {
	// Scheme is "http", "https" or "" for both.
	Scheme string
	// Host is the lower-case name without a trailing dot, the suffix of a
	// wildcard (without "*."), or the IP literal's text.
	Host string
	// Wildcard: the pattern was "*.Host".
	Wildcard bool
	// IP is the address of an IP-literal pattern (invalid otherwise).
	IP netip.Addr
	// Port is "" (the scheme's default), "*" (any) or a decimal port.
	Port string
}

// ParsePattern parses one allow-list pattern.
func ParsePattern(s string) (Pattern, error) {
	raw := s
	s = strings.TrimSpace(s)
	bad := func(why string) (Pattern, error) {
		return Pattern{}, fmt.Errorf("%w: allow pattern %q: %s", ErrInvalid, truncate(raw, 64), why)
	}
	if s == "" {
		return bad("empty")
	}
	if len(s) > maxPatternLen {
		return bad("too long")
	}
	var p Pattern
	if i := strings.Index(s, "://"); i >= 0 {
		p.Scheme = strings.ToLower(s[:i])
		if p.Scheme != "http" && p.Scheme != "https" {
			return bad("scheme must be http or https")
		}
		s = s[i+3:]
	}
	if strings.ContainsAny(s, "/?#@\\ \t") {
		return bad("only [scheme://]host[:port] is allowed")
	}
	host, port, err := splitHostPort(s)
	if err != nil {
		return bad(err.Error())
	}
	if port != "" && port != "*" {
		if !validPort(port) {
			return bad("port must be 1–65535 or *")
		}
	}
	p.Port = port
	if strings.HasPrefix(host, "[") {
		ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
		if err != nil || !ip.Is6() || ip.Zone() != "" || !strings.HasSuffix(host, "]") {
			return bad("bad IPv6 literal")
		}
		p.IP, p.Host = ip.Unmap(), ip.Unmap().String()
		return p, nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if !ip.Is4() {
			return bad("IPv6 literals are written in brackets")
		}
		p.IP, p.Host = ip, ip.String()
		return p, nil
	}
	if rest, ok := strings.CutPrefix(host, "*."); ok {
		p.Wildcard = true
		host = rest
	}
	name, ok := normalName(host)
	if !ok {
		return bad("not a DNS name")
	}
	if p.Wildcard && !strings.Contains(name, ".") {
		return bad("a wildcard needs a suffix of at least two labels")
	}
	if isNumericName(name) {
		return bad("not a DNS name")
	}
	p.Host = name
	return p, nil
}

// splitHostPort splits host[:port] where host may be a bracketed IPv6
// literal; port is "" when absent.
func splitHostPort(s string) (host, port string, err error) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", fmt.Errorf("unclosed [")
		}
		host, rest := s[:end+1], s[end+1:]
		if rest == "" {
			return host, "", nil
		}
		if rest[0] != ':' || len(rest) == 1 {
			return "", "", fmt.Errorf("bad port")
		}
		return host, rest[1:], nil
	}
	switch strings.Count(s, ":") {
	case 0:
		return s, "", nil
	case 1:
		i := strings.IndexByte(s, ':')
		if i == 0 || i == len(s)-1 {
			return "", "", fmt.Errorf("empty host or port")
		}
		return s[:i], s[i+1:], nil
	}
	return "", "", fmt.Errorf("IPv6 literals are written in brackets")
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 || strings.Trim(p, "0123456789") != "" || p[0] == '0' {
		return false
	}
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

// normalName lower-cases a DNS name, drops one trailing dot and checks
// its labels (letters, digits, hyphens; 1–63 octets; 253 in all).
func normalName(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	if s == "" || len(s) > 253 {
		return "", false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", false
			}
		}
	}
	return s, true
}

// isNumericName reports a name whose last label is all digits: such names
// are IPv4 addresses in another spelling (127.1, 0x7f.1 …) to some
// resolvers, never host names.
func isNumericName(s string) bool {
	last := s[strings.LastIndexByte(s, '.')+1:]
	return strings.Trim(last, "0123456789") == "" || strings.HasPrefix(last, "0x")
}

// String writes the pattern back in its canonical form.
func (p Pattern) String() string {
	var b strings.Builder
	if p.Scheme != "" {
		b.WriteString(p.Scheme + "://")
	}
	switch {
	case p.IP.Is6():
		b.WriteString("[" + p.Host + "]")
	case p.Wildcard:
		b.WriteString("*." + p.Host)
	default:
		b.WriteString(p.Host)
	}
	if p.Port != "" {
		b.WriteString(":" + p.Port)
	}
	return b.String()
}

// matches reports whether the pattern admits scheme, host and port of a
// URL already normalised by target.
func (p Pattern) matches(t target) bool {
	if p.Scheme != "" && p.Scheme != t.scheme {
		return false
	}
	switch p.Port {
	case "*":
	case "":
		if t.port != defaultPort(t.scheme) {
			return false
		}
	default:
		if t.port != p.Port {
			return false
		}
	}
	if p.IP.IsValid() {
		return t.ip.IsValid() && t.ip == p.IP
	}
	if t.ip.IsValid() {
		return false
	}
	if p.Wildcard {
		return len(t.host) > len(p.Host)+1 && strings.HasSuffix(t.host, "."+p.Host)
	}
	return t.host == p.Host
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// target is a URL's scheme, host and port as the allow list compares them.
type target struct {
	scheme, host, port string
	ip                 netip.Addr // set when host is an IP literal
}

func targetOf(u *url.URL) (target, error) {
	var t target
	t.scheme = strings.ToLower(u.Scheme)
	if t.scheme != "http" && t.scheme != "https" {
		return t, fmt.Errorf("%w: scheme %q", ErrNotAllowed, u.Scheme)
	}
	if u.User != nil {
		return t, fmt.Errorf("%w: URLs with user information", ErrNotAllowed)
	}
	if u.Opaque != "" || u.Host == "" {
		return t, fmt.Errorf("%w: URL without a host", ErrNotAllowed)
	}
	host := u.Hostname()
	t.port = u.Port()
	if t.port == "" {
		t.port = defaultPort(t.scheme)
	} else if !validPort(t.port) {
		return t, fmt.Errorf("%w: port %q", ErrNotAllowed, t.port)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Zone() != "" {
			return t, fmt.Errorf("%w: zoned address %q", ErrNotAllowed, host)
		}
		t.ip, t.host = ip.Unmap(), ip.Unmap().String()
		return t, nil
	}
	name, ok := normalName(host)
	if !ok || isNumericName(name) {
		return t, fmt.Errorf("%w: host %q is not a DNS name", ErrNotAllowed, truncate(host, 64))
	}
	t.host = name
	return t, nil
}

// AllowList is the set of patterns a Client may fetch from. The zero value
// allows nothing.
type AllowList []Pattern

// ParseAllowList parses comma-separated patterns; empty items are
// skipped, so "" is the empty list.
func ParseAllowList(s string) (AllowList, error) {
	var l AllowList
	for _, item := range strings.Split(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		if len(l) == maxPatterns {
			return nil, fmt.Errorf("%w: more than %d allow patterns", ErrInvalid, maxPatterns)
		}
		p, err := ParsePattern(item)
		if err != nil {
			return nil, err
		}
		l = append(l, p)
	}
	return l, nil
}

// Check returns nil when a pattern admits u, else an error wrapping
// ErrNotAllowed that names the URL's host (never its path or query).
func (l AllowList) Check(u *url.URL) error {
	_, err := l.check(u)
	return err
}

func (l AllowList) check(u *url.URL) (target, error) {
	t, err := targetOf(u)
	if err != nil {
		return t, err
	}
	for _, p := range l {
		if p.matches(t) {
			return t, nil
		}
	}
	return t, fmt.Errorf("%w: %s://%s is not on the fetch allow list", ErrNotAllowed, t.scheme, hostPort(t))
}

func hostPort(t target) string {
	h := t.host
	if t.ip.Is6() {
		h = "[" + h + "]"
	}
	return h + ":" + t.port
}

// String writes the list back, comma-separated.
func (l AllowList) String() string {
	s := make([]string, len(l))
	for i, p := range l {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
