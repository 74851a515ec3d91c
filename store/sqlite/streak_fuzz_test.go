package sqlite

import (
	"testing"
	"time"
)

// monthIndex accepts exactly the "YYYY-MM" months time.Parse accepts with
// that layout, and numbers them 12*year+month-1, consecutive across years.
func FuzzMonthIndex(f *testing.F) {
	for _, s := range []string{"2025-12", "2026-01", "0000-01", "9999-12", "2021-13", "2021-00", "2021-3", "21-03", "2021-03-01", "2021_03", "２０２１-03", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := monthIndex(s)
		m, err := time.Parse("2006-01", s)
		want := err == nil && len(s) == 7
		if ok != want {
			t.Fatalf("monthIndex(%q) ok = %v, time.Parse says %v (%v)", s, ok, want, err)
		}
		if ok && got != 12*m.Year()+int(m.Month())-1 {
			t.Fatalf("monthIndex(%q) = %d, want %d", s, got, 12*m.Year()+int(m.Month())-1)
		}
	})
}
