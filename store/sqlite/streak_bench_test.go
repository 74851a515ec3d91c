package sqlite_test

import (
	"fmt"
	"testing"
	"time"

	"sihub/model"
	"sihub/store/sqlite"
)

// BenchmarkPaidStreak counts 13 years of paid pension months at one unit
// (with medical, unemployment and work injury rows beside them), as a
// certificate's consecutive months do: "query" is PaidStreak, "windows"
// the reads it replaced (24-month windows of both pension types).
func BenchmarkPaidStreak(b *testing.B) {
	s, err := sqlite.Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const id, unit = "110105199003071239", "91110105MA01ABCD2X"
	var cs []model.Contribution
	start := time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)
	for m := start; m.Year() < 2026; m = m.AddDate(0, 1, 0) {
		for _, typ := range []string{model.InsPensionEnterprise, model.InsMedical, model.InsUnemployment, model.InsWorkInjury} {
			cs = append(cs, model.Contribution{PersonID: id, Month: m.Format("2006-01"), Type: typ,
				Base: 1200000, Employer: 192000, Personal: 96000, Paid: true, UnitCode: unit})
		}
	}
	if err := s.PutContributions(b.Context(), cs); err != nil {
		b.Fatal(err)
	}
	types := []string{model.InsPensionEnterprise, model.InsPensionPublic}
	const want = 13 * 12
	b.Run("query", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n, err := s.PaidStreak(b.Context(), id, unit, types, "2025-12", 360)
			if err != nil || n != want {
				b.Fatalf("PaidStreak = %d, %v", n, err)
			}
		}
	})
	b.Run("windows", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for last := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC); ; last = last.AddDate(0, -24, 0) {
				first := last.AddDate(0, -23, 0)
				paid := map[string]bool{}
				for _, typ := range types {
					rows, err := s.ContributionsOfType(b.Context(), id, typ, first.Format("2006-01"), last.Format("2006-01"))
					if err != nil {
						b.Fatal(err)
					}
					for _, c := range rows {
						if c.Paid && c.UnitCode == unit {
							paid[c.Month] = true
						}
					}
				}
				m := last
				for !m.Before(first) && paid[m.Format("2006-01")] {
					n++
					m = m.AddDate(0, -1, 0)
				}
				if !m.Before(first) {
					break
				}
			}
			if n != want {
				b.Fatal(fmt.Sprint("windows counted ", n))
			}
		}
	})
}
