package netguard

import (
	"errors"
	"net/url"
	"testing"
)

func TestParsePattern(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" means the pattern is refused
	}{
		{"ocsp.example.com", "ocsp.example.com"},
		{" OCSP.Example.COM. ", "ocsp.example.com"},
		{"*.example.com", "*.example.com"},
		{"https://crl.example.com:8443", "https://crl.example.com:8443"},
		{"HTTP://crl.example.com:*", "http://crl.example.com:*"},
		{"127.0.0.1:8080", "127.0.0.1:8080"},
		{"[::1]:8080", "[::1]:8080"},
		{"[2001:db8::1]", "[2001:db8::1]"},
		{"", ""},
		{"*", ""},
		{"*.com", ""},
		{"*.*.example.com", ""},
		{"ftp://example.com", ""},
		{"example.com/path", ""},
		{"user@example.com", ""},
		{"example.com:0", ""},
		{"example.com:65536", ""},
		{"example.com:080", ""},
		{"example.com:", ""},
		{":80", ""},
		{"::1", ""},
		{"[::1", ""},
		{"[fe80::1%eth0]", ""},
		{"-bad.example.com", ""},
		{"ex_ample.com", ""},
		{"127.1", ""},
		{"0x7f.1", ""},
		{"exa mple.com", ""},
		{"例子.cn", ""},
	} {
		p, err := ParsePattern(tc.in)
		if tc.want == "" {
			if err == nil || !errors.Is(err, ErrInvalid) {
				t.Errorf("ParsePattern(%q) = %v, %v; want ErrInvalid", tc.in, p, err)
			}
			continue
		}
		if err != nil || p.String() != tc.want {
			t.Errorf("ParsePattern(%q) = %q, %v; want %q", tc.in, p.String(), err, tc.want)
		}
	}
}

func TestAllowListCheck(t *testing.T) {
	l, err := ParseAllowList("ocsp.example.com, *.ca.example.org, https://secure.example.net, 127.0.0.1:8080, [::1]:*, any.example.com:*")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"http://ocsp.example.com/x", true},
		{"https://OCSP.example.com./x?q=1", true},
		{"http://ocsp.example.com:80/", true},
		{"http://ocsp.example.com:8080/", false},
		{"https://ocsp.example.com:80/", false},
		{"http://sub.ocsp.example.com/", false},
		{"http://crl.ca.example.org/a.crl", true},
		{"http://a.b.ca.example.org/a.crl", true},
		{"http://ca.example.org/", false},
		{"http://evilca.example.org/", false},
		{"https://secure.example.net/", true},
		{"http://secure.example.net/", false},
		{"http://127.0.0.1:8080/pki/ocsp", true},
		{"http://127.0.0.1/", false},
		{"http://[::ffff:127.0.0.1]:8080/", true},
		{"http://localhost:8080/", false},
		{"http://[::1]:1234/", true},
		{"http://any.example.com:9999/", true},
		{"ftp://ocsp.example.com/", false},
		{"http://user:pw@ocsp.example.com/", false},
		{"http:ocsp.example.com", false},
		{"http://127.1:8080/", false},
		{"http://2130706433:8080/", false},
	} {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		err = l.Check(u)
		if tc.ok && err != nil {
			t.Errorf("%s refused: %v", tc.url, err)
		}
		if !tc.ok && !errors.Is(err, ErrNotAllowed) {
			t.Errorf("%s: got %v, want ErrNotAllowed", tc.url, err)
		}
	}
}

func TestParseAllowListLimits(t *testing.T) {
	if l, err := ParseAllowList(" , ,"); err != nil || len(l) != 0 {
		t.Fatalf("empty items: %v %v", l, err)
	}
	if _, err := ParseAllowList("a.example.com,bad host"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a bad item: %v", err)
	}
	many := ""
	for i := 0; i <= maxPatterns; i++ {
		many += "h.example.com,"
	}
	if _, err := ParseAllowList(many); !errors.Is(err, ErrInvalid) {
		t.Fatalf("%d patterns: %v", maxPatterns+1, err)
	}
}

// FuzzParseAllowList checks that a parsed list prints back to a list that
// parses to the same text, and that checking URLs against it never panics.
func FuzzParseAllowList(f *testing.F) {
	for _, s := range []string{"ocsp.example.com", "*.example.com,https://a.b:443", "[::1]:*", "127.0.0.1:8080", "http://x.y:*,,", "*.", "[", "a:b:c"} {
		f.Add(s, "http://ocsp.example.com/x?y")
	}
	f.Fuzz(func(t *testing.T, list, rawURL string) {
		l, err := ParseAllowList(list)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error without ErrInvalid: %v", err)
			}
			return
		}
		again, err := ParseAllowList(l.String())
		if err != nil || again.String() != l.String() {
			t.Fatalf("%q printed as %q, which parses to %q, %v", list, l.String(), again.String(), err)
		}
		if u, err := url.Parse(rawURL); err == nil {
			if err := l.Check(u); err != nil && !errors.Is(err, ErrNotAllowed) {
				t.Fatalf("Check(%q) error without ErrNotAllowed: %v", rawURL, err)
			}
		}
	})
}
