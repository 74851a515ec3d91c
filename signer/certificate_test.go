package signer

import (
	"context"
	"slices"
	"testing"
	"time"

	"sihub/model"
)

// monthsRecords serves contributions from a slice, counting the reads.
type monthsRecords struct {
	Records
	cs    []model.Contribution
	reads int
}

func (m *monthsRecords) ContributionsBetween(_ context.Context, _, from, to string) ([]model.Contribution, error) {
	m.reads++
	var out []model.Contribution
	for _, c := range m.cs {
		if c.Month >= from && c.Month <= to {
			out = append(out, c)
		}
	}
	return out, nil
}

func (m *monthsRecords) ContributionsOfType(ctx context.Context, id, typ, from, to string) ([]model.Contribution, error) {
	all, _ := m.ContributionsBetween(ctx, id, from, to)
	var out []model.Contribution
	for _, c := range all {
		if c.Type == typ {
			out = append(out, c)
		}
	}
	return out, nil
}

func (m *monthsRecords) PaidStreak(_ context.Context, _, unit string, types []string, last string, limit int) (int, error) {
	m.reads++
	paid := map[string]bool{}
	for _, c := range m.cs {
		if c.Paid && c.UnitCode == unit && slices.Contains(types, c.Type) {
			paid[c.Month] = true
		}
	}
	n := 0
	for mo, _ := time.Parse("2006-01", last); n < limit && paid[mo.Format("2006-01")]; mo = mo.AddDate(0, -1, 0) {
		n++
	}
	return n, nil
}

func TestConsecutiveMonths(t *testing.T) {
	month := func(s string) time.Time { tm, _ := time.Parse("2006-01", s); return tm }
	paid := func(from, to, unit string, gaps ...string) []model.Contribution {
		skip := map[string]bool{}
		for _, g := range gaps {
			skip[g] = true
		}
		var out []model.Contribution
		for m := month(from); !m.After(month(to)); m = m.AddDate(0, 1, 0) {
			if !skip[m.Format("2006-01")] {
				out = append(out, model.Contribution{Month: m.Format("2006-01"), Type: model.InsPensionEnterprise, Paid: true, UnitCode: unit},
					model.Contribution{Month: m.Format("2006-01"), Type: model.InsMedical, Paid: true, UnitCode: unit})
			}
		}
		return out
	}
	last := month("2026-10")
	first := last.AddDate(0, -(certificateMonths - 1), 0)
	for _, tc := range []struct {
		name  string
		cs    []model.Contribution
		want  int
		reads int // the store counts on when the whole table is paid
	}{
		{"gap inside the table", paid("2020-01", "2026-10", "U", "2026-01"), 9, 0},
		{"longer than the table", append(paid("2015-01", "2021-02", "V"), paid("2021-03", "2026-10", "U")...), 68, 1},
		{"other unit last month", append(paid("2020-01", "2026-09", "U"), paid("2026-10", "2026-10", "V")...), 0, 0},
		{"capped at thirty years", paid("1980-01", "2026-10", "U"), maxLookbackMonths, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &monthsRecords{cs: tc.cs}
			s := &Service{records: r}
			window, _ := r.ContributionsBetween(context.Background(), "", first.Format("2006-01"), last.Format("2006-01"))
			r.reads = 0
			got, err := s.consecutiveMonths(context.Background(), model.Person{ID: "p", UnitCode: "U"}, window, first, last)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want || r.reads != tc.reads {
				t.Errorf("consecutiveMonths = %d after %d reads, want %d after %d", got, r.reads, tc.want, tc.reads)
			}
		})
	}
}
