package verifier

import (
	"testing"
	"time"
)

func TestParsePDFDate(t *testing.T) {
	cst := time.FixedZone("", 8*3600)
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"D:20260314173000+08'00'", time.Date(2026, 3, 14, 17, 30, 0, 0, cst), true},
		{"D:20260314093000Z", time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC), true},
		{"D:20260314093000-05'30", time.Date(2026, 3, 14, 9, 30, 0, 0, time.FixedZone("", -(5*3600+30*60))), true},
		{"D:2026", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"20260314", time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), true},
		{"D:20261314", time.Time{}, false},
		{"D:20", time.Time{}, false},
		{"D:2026031x", time.Time{}, false},
	}
	for _, c := range cases {
		got, ok := parsePDFDate(c.in)
		if ok != c.ok || (ok && !got.Equal(c.want)) {
			t.Errorf("%q: %v %v, want %v %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestCanonicalCode(t *testing.T) {
	for in, want := range map[string]string{
		"k7q2-m9xr-4tz8-hw3c-5n6p": "K7Q2M9XR4TZ8HW3C5N6P",
		"K7Q2 M9XR 4TZ8":           "K7Q2M9XR4TZ8",
	} {
		if got := CanonicalCode(in); got != want {
			t.Errorf("CanonicalCode(%q) = %q, want %q", in, got, want)
		}
	}
}
