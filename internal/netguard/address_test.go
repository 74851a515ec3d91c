package netguard

import (
	"errors"
	"net/netip"
	"testing"
)

func TestAddressPolicy(t *testing.T) {
	for _, tc := range []struct {
		addr      string
		forbidden bool
	}{
		{"8.8.8.8", false},
		{"2400:3200::1", false},
		{"127.0.0.1", true},
		{"127.255.0.9", true},
		{"10.1.2.3", true},
		{"172.16.0.1", true},
		{"172.32.0.1", false},
		{"192.168.1.1", true},
		{"169.254.169.254", true},
		{"100.64.0.1", true},
		{"0.0.0.0", true},
		{"255.255.255.255", true},
		{"224.0.0.1", true},
		{"::", true},
		{"::1", true},
		{"::ffff:127.0.0.1", true},
		{"::ffff:8.8.8.8", false},
		{"fd00:ec2::254", true},
		{"fe80::1", true},
		{"ff02::1", true},
		{"64:ff9b::7f00:1", true},
		{"64:ff9b::808:808", false},
		{"2002:7f00:1::", true},
		{"2002:808:808::", false},
		{"2001:0:4136:e378::1", true},
	} {
		a := netip.MustParseAddr(tc.addr)
		err := addressPolicy{}.check(a, netip.Addr{})
		if tc.forbidden != (err != nil) {
			t.Errorf("%s: forbidden=%v, got %v", tc.addr, tc.forbidden, err)
		}
		if err != nil && !errors.Is(err, ErrNotAllowed) {
			t.Errorf("%s: %v lacks ErrNotAllowed", tc.addr, err)
		}
	}
	p := addressPolicy{allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	if err := p.check(netip.MustParseAddr("127.0.0.1"), netip.Addr{}); err != nil {
		t.Errorf("an allowed prefix is refused: %v", err)
	}
	if err := p.check(netip.MustParseAddr("10.0.0.1"), netip.Addr{}); err == nil {
		t.Error("a prefix allowed more than itself")
	}
	if err := (addressPolicy{}).check(netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("127.0.0.1")); err != nil {
		t.Errorf("a listed IP literal is refused: %v", err)
	}
	if err := (addressPolicy{}).check(netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.1")); err == nil {
		t.Error("a listed literal allowed another address")
	}
}
