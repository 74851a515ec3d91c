package netguard

import (
	"fmt"
	"net/netip"
)

// special lists the address ranges a fetch may not reach unless
// Config.AllowPrefixes holds them, with the name each is refused under.
var special = []struct {
	prefix netip.Prefix
	name   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (CGNAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local (cloud metadata)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("fc00::/7"), "unique local (private)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

var (
	nat64   = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4  = netip.MustParsePrefix("2002::/16")
	teredo  = netip.MustParsePrefix("2001::/32")
	compat4 = netip.MustParsePrefix("::/96")
)

// addressPolicy decides which dialed addresses are acceptable.
type addressPolicy struct {
	allow []netip.Prefix
}

// check returns nil when a may be dialed; literal is the URL's own IP
// literal (invalid for a name), which the allow list already admitted.
func (p addressPolicy) check(a, literal netip.Addr) error {
	a = a.Unmap()
	if literal.IsValid() && a == literal {
		return nil
	}
	for _, pr := range p.allow {
		if pr.Contains(a) {
			return nil
		}
	}
	if why := forbiddenKind(a); why != "" {
		return fmt.Errorf("%w: address %s is %s", ErrNotAllowed, a, why)
	}
	return nil
}

// forbiddenKind names the special range a lies in, or returns "" for an
// ordinary public address. IPv6 forms that embed an IPv4 address (NAT64,
// 6to4, IPv4-compatible) are judged by the embedded address; Teredo is
// refused outright.
func forbiddenKind(a netip.Addr) string {
	a = a.Unmap()
	if !a.IsValid() {
		return "invalid"
	}
	if a.Zone() != "" {
		return "zoned"
	}
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64.Contains(a):
			return embedded(netip.AddrFrom4([4]byte(b[12:16])))
		case sixTo4.Contains(a):
			return embedded(netip.AddrFrom4([4]byte(b[2:6])))
		case teredo.Contains(a):
			return "Teredo"
		case compat4.Contains(a) && a != netip.IPv6Unspecified() && a != netip.IPv6Loopback():
			return embedded(netip.AddrFrom4([4]byte(b[12:16])))
		}
	}
	if a == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return "broadcast"
	}
	for _, s := range special {
		if s.prefix.Contains(a) {
			return s.name
		}
	}
	return ""
}

func embedded(v4 netip.Addr) string {
	if k := forbiddenKind(v4); k != "" {
		return k + " (embedded in IPv6)"
	}
	return ""
}
