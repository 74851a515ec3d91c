package storetest

import (
	"fmt"
	"testing"

	"sihub/model"
	"sihub/store"
)

// testPaidStreak counts paid months at a unit going back without a gap:
// across years, over several insurance types, stopping at an unpaid
// month, a month at another unit, a month without a row, or the limit.
func testPaidStreak(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	const id, other = "110105199003071239", "110105198512120016"
	var cs []model.Contribution
	add := func(person string, y, m int, typ string, paid bool, unit string) {
		cs = append(cs, model.Contribution{PersonID: person, Month: fmt.Sprintf("%04d-%02d", y, m), Type: typ,
			Base: 800000, Employer: 128000, Personal: 64000, Paid: paid, UnitCode: unit})
	}
	// 2019-01 … 2019-06 at U0; 2019-07 missing; 2019-08 … 2021-03 at U1
	// (enterprise pension, public pension from 2020-07); 2021-04 unpaid;
	// 2021-05 … 2021-09 at U1; 2021-10 at U2. Medical throughout at U1.
	for m := 1; m <= 6; m++ {
		add(id, 2019, m, model.InsPensionEnterprise, true, "U0")
	}
	for y := 2019; y <= 2021; y++ {
		for m := 1; m <= 12; m++ {
			ym := fmt.Sprintf("%04d-%02d", y, m)
			add(id, y, m, model.InsMedical, true, "U1")
			switch {
			case ym < "2019-08" || ym > "2021-10":
			case ym == "2021-04":
				add(id, y, m, model.InsPensionEnterprise, false, "U1")
			case ym == "2021-10":
				add(id, y, m, model.InsPensionEnterprise, true, "U2")
			case ym >= "2020-07" && ym <= "2021-03":
				add(id, y, m, model.InsPensionPublic, true, "U1")
			default:
				add(id, y, m, model.InsPensionEnterprise, true, "U1")
			}
		}
		add(other, y, 1, model.InsPensionEnterprise, true, "U1")
	}
	must(t, "PutContributions", s.PutContributions(c, cs))
	pension := []string{model.InsPensionEnterprise, model.InsPensionPublic}
	for _, tc := range []struct {
		name        string
		unit        string
		types       []string
		last        string
		limit, want int
	}{
		{"up to another unit's month", "U1", pension, "2021-09", 360, 5},
		{"another unit's month first", "U1", pension, "2021-10", 360, 0},
		{"unpaid month", "U1", pension, "2021-03", 360, 20},
		{"enterprise only", "U1", pension[:1], "2021-03", 360, 0},
		{"across the type change", "U1", pension, "2020-09", 360, 14},
		{"month without a row", "U0", pension, "2019-06", 360, 6},
		{"limit", "U1", pension, "2021-03", 7, 7},
		{"other type", "U1", []string{model.InsMedical}, "2021-12", 360, 36},
		{"after the last row", "U1", pension, "2022-01", 360, 0},
		{"no types", "U1", nil, "2021-03", 360, 0},
		{"no limit", "U1", pension, "2021-03", 0, 0},
	} {
		got, err := s.PaidStreak(c, id, tc.unit, tc.types, tc.last, tc.limit)
		must(t, "PaidStreak "+tc.name, err)
		if got != tc.want {
			t.Errorf("PaidStreak (%s) = %d, want %d", tc.name, got, tc.want)
		}
	}
	if got, err := s.PaidStreak(c, "nobody", "U1", pension, "2021-03", 360); err != nil || got != 0 {
		t.Errorf("PaidStreak of a person without contributions = %d, %v", got, err)
	}
	for _, bad := range []string{"", "2021-3", "2021-13", "21-03", "2021-03-01"} {
		if _, err := s.PaidStreak(c, id, "U1", pension, bad, 10); err == nil {
			t.Errorf("PaidStreak from month %q: no error", bad)
		}
	}
}
