package signer

import (
	"errors"
	"testing"
	"time"
)

// FuzzIssueInputs feeds the kind-specific inputs of a request (language,
// country, posting period) to their parsers: each either refuses with
// ErrBadRequest or returns a value inside its contract.
func FuzzIssueInputs(f *testing.F) {
	for _, s := range [][4]string{
		{"zh,en", "DE", "", ""}, {"en", "korea", "2027-01-01", "2028-12-31"}, {"", "西班牙", "", "2027-06-30"},
		{"zh,zh", "US", "2027-02-30", "x"}, {"EN , ZH", "de", "2026-11-28", "2026-11-28"}, {",", "", "9999-12-31", "0001-01-01"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	f.Fuzz(func(t *testing.T, lang, country, from, to string) {
		l, err := parseLang(lang)
		switch {
		case err != nil && !errors.Is(err, ErrBadRequest):
			t.Fatalf("parseLang(%q): %v", lang, err)
		case err == nil && l != LangZH && l != LangEN && l != LangBoth:
			t.Fatalf("parseLang(%q) = %q", lang, l)
		}
		c, ok := Country(country)
		if !ok {
			return
		}
		a, b, err := postingPeriod(IssueRequest{PostedFrom: from, PostedTo: to}, c, now)
		if err != nil {
			if !errors.Is(err, ErrBadRequest) {
				t.Fatalf("postingPeriod(%q, %q): %v", from, to, err)
			}
			return
		}
		if !b.After(a) || b.After(a.AddDate(0, c.MaxPostingMonths, -1)) || a.Before(now.AddDate(-1, 0, -1)) {
			t.Fatalf("postingPeriod(%q, %q) = %s – %s for %s", from, to, a, b, c.Code)
		}
	})
}
