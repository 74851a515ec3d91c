package pathval

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/asn1"
	"net"
	"strings"
	"unicode"
)

// rdn is one attribute of a distinguished name, its value normalised for
// comparison (RFC 5280 §7.1: case-insensitive, whitespace folded).
type attr struct {
	typ asn1.ObjectIdentifier
	val string
}

// parseName decodes a DER Name into RDNs of normalised attributes.
func parseName(der []byte) ([][]attr, bool) {
	var seq pkix.RDNSequence
	rest, err := asn1.Unmarshal(der, &seq)
	if err != nil || len(rest) != 0 {
		return nil, false
	}
	out := make([][]attr, len(seq))
	for i, set := range seq {
		for _, a := range set {
			v, ok := a.Value.(string)
			if !ok {
				raw, _ := asn1.Marshal(a.Value)
				v = "\x00" + string(raw)
			} else {
				v = foldString(v)
			}
			out[i] = append(out[i], attr{a.Type, v})
		}
	}
	return out, true
}

func foldString(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func rdnEqual(a, b []attr) bool {
	if len(a) != len(b) {
		return false
	}
	used := make([]bool, len(b))
outer:
	for _, x := range a {
		for j, y := range b {
			if !used[j] && x.typ.Equal(y.typ) && x.val == y.val {
				used[j] = true
				continue outer
			}
		}
		return false
	}
	return true
}

// namesEqual compares two DER names per RFC 5280 §7.1.
func namesEqual(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	na, ok1 := parseName(a)
	nb, ok2 := parseName(b)
	if !ok1 || !ok2 || len(na) != len(nb) {
		return false
	}
	for i := range na {
		if !rdnEqual(na[i], nb[i]) {
			return false
		}
	}
	return true
}

// nameWithin reports whether name lies in the subtree base (base is a
// prefix of name).
func nameWithin(name, base [][]attr) bool {
	if len(base) > len(name) {
		return false
	}
	for i := range base {
		if !rdnEqual(name[i], base[i]) {
			return false
		}
	}
	return true
}

// matchDNSConstraint: "example.com" covers itself and its subdomains,
// ".example.com" only subdomains.
func matchDNSConstraint(name, c string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	c = strings.ToLower(c)
	if c == "" {
		return true
	}
	if strings.HasPrefix(c, ".") {
		return strings.HasSuffix(name, c)
	}
	return name == c || strings.HasSuffix(name, "."+c)
}

// matchEmailConstraint per RFC 5280 §4.2.1.10.
func matchEmailConstraint(mail, c string) bool {
	at := strings.LastIndexByte(mail, '@')
	if at < 0 {
		return false
	}
	local, host := mail[:at], strings.ToLower(mail[at+1:])
	if i := strings.LastIndexByte(c, '@'); i >= 0 {
		return local == c[:i] && host == strings.ToLower(c[i+1:])
	}
	c = strings.ToLower(c)
	if strings.HasPrefix(c, ".") {
		return strings.HasSuffix(host, c)
	}
	return host == c
}

// matchURIConstraint matches the host of uri.
func matchURIConstraint(host, c string) bool {
	host = strings.ToLower(host)
	c = strings.ToLower(c)
	if strings.HasPrefix(c, ".") {
		return strings.HasSuffix(host, c)
	}
	return host == c
}

func matchIPConstraint(ip net.IP, c *net.IPNet) bool {
	if len(ip) != len(c.IP) {
		if v4 := ip.To4(); v4 != nil && len(c.IP) == 4 {
			ip = v4
		} else {
			return false
		}
	}
	if len(c.Mask) != len(ip) {
		return false
	}
	for i := range ip {
		if ip[i]&c.Mask[i] != c.IP[i]&c.Mask[i] {
			return false
		}
	}
	return true
}

// matchHostname reports whether the SAN pattern (possibly "*.example.com")
// matches host.
func matchHostname(pattern, host string) bool {
	pattern = strings.ToLower(strings.TrimSuffix(pattern, "."))
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if pattern == "" || host == "" {
		return false
	}
	pl := strings.Split(pattern, ".")
	hl := strings.Split(host, ".")
	if len(pl) != len(hl) {
		return false
	}
	for i, p := range pl {
		if i == 0 && p == "*" && len(pl) > 2 {
			continue
		}
		if p != hl[i] {
			return false
		}
	}
	return true
}

// wildcardCovers reports whether the wildcard SAN pattern ("*.example.com")
// could stand for a name under constraint c.
func wildcardCovers(pattern, c string) bool {
	base, ok := strings.CutPrefix(strings.ToLower(pattern), "*.")
	if !ok {
		return false
	}
	c = strings.ToLower(strings.TrimPrefix(c, "."))
	return strings.HasSuffix(c, "."+base) && !strings.Contains(strings.TrimSuffix(c, "."+base), ".")
}
