package sqlite

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"sihub/model"
)

// slowPaidStreak is PaidStreak computed from the contribution records
// themselves, month by month: the answer paid_months must reproduce.
func slowPaidStreak(t *testing.T, s *Store, person, unit string, types []string, last string, limit int) int {
	t.Helper()
	cs, err := s.ContributionsBetween(t.Context(), person, "0000-01", last)
	if err != nil {
		t.Fatal(err)
	}
	paid := map[string]bool{}
	for _, c := range cs {
		if c.Paid && c.UnitCode == unit && slices.Contains(types, c.Type) {
			paid[c.Month] = true
		}
	}
	m, err := time.Parse("2006-01", last)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for n < limit && paid[m.Format("2006-01")] {
		n++
		m = m.AddDate(0, -1, 0)
	}
	return n
}

// checkStreaks compares PaidStreak with slowPaidStreak for every person,
// unit, type set and starting month of the generated history, and the
// paid_months table with the paid rows of contributions read from their
// JSON.
func checkStreaks(t *testing.T, s *Store, persons, units []string, step string) {
	t.Helper()
	typeSets := [][]string{
		{model.InsPensionEnterprise, model.InsPensionPublic},
		{model.InsPensionEnterprise},
		{model.InsMedical},
	}
	checked := 0
	for _, p := range persons {
		for _, u := range units {
			for _, types := range typeSets {
				for y := 2019; y <= 2022; y++ {
					for mo := 1; mo <= 12; mo++ {
						last := fmt.Sprintf("%04d-%02d", y, mo)
						for _, limit := range []int{360, 5} {
							got, err := s.PaidStreak(t.Context(), p, u, types, last, limit)
							if err != nil {
								t.Fatal(err)
							}
							if want := slowPaidStreak(t, s, p, u, types, last, limit); got != want {
								t.Fatalf("%s: PaidStreak(%s, %s, %v, %s, %d) = %d, the records say %d", step, p, u, types, last, limit, got, want)
							}
							checked++
						}
					}
				}
			}
		}
	}
	var missing, extra int
	if err := s.r.QueryRow(`SELECT
		(SELECT count(*) FROM contributions c WHERE json_extract(c.data, '$.paid') = 1 AND NOT EXISTS
			(SELECT 1 FROM paid_months p WHERE p.person_id = c.person_id AND p.unit_code = json_extract(c.data, '$.unit_code')
				AND p.type = c.type AND p.month = c.month)),
		(SELECT count(*) FROM paid_months p WHERE NOT EXISTS
			(SELECT 1 FROM contributions c WHERE p.person_id = c.person_id AND p.type = c.type AND p.month = c.month
				AND json_extract(c.data, '$.paid') = 1 AND json_extract(c.data, '$.unit_code') = p.unit_code))`).Scan(&missing, &extra); err != nil {
		t.Fatal(err)
	}
	if missing != 0 || extra != 0 {
		t.Fatalf("%s: paid_months lacks %d paid contributions and holds %d that are not", step, missing, extra)
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}

// randomHistory makes contributions of persons over 2019–2022 with gaps,
// unpaid months, unit changes and both pension types.
func randomHistory(r *rand.Rand, persons, units []string) []model.Contribution {
	var cs []model.Contribution
	types := []string{model.InsPensionEnterprise, model.InsPensionPublic, model.InsMedical}
	for _, p := range persons {
		for y := 2019; y <= 2022; y++ {
			for m := 1; m <= 12; m++ {
				for _, typ := range types {
					if r.IntN(8) == 0 {
						continue // no row
					}
					cs = append(cs, model.Contribution{PersonID: p, Month: fmt.Sprintf("%04d-%02d", y, m), Type: typ,
						Base: 800000, Personal: 64000, Paid: r.IntN(10) != 0, UnitCode: units[r.IntN(len(units))]})
				}
			}
		}
	}
	return cs
}

// Every writer of contributions — PutContributions, PutRecords, an
// overwrite that turns a paid month unpaid or moves it to another unit,
// and a delete — keeps paid_months (and so PaidStreak) in step with the
// records.
func TestPaidMonthsFollowEveryWriter(t *testing.T) {
	s, err := Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(6, 1))
	persons := []string{"110105199003071239", "110105198512120016"}
	units := []string{"U1", "U2"}

	first := randomHistory(r, persons[:1], units)
	if err := s.PutContributions(t.Context(), first); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRecords(t.Context(), model.RecordBatch{Contributions: randomHistory(r, persons[1:], units)}); err != nil {
		t.Fatal(err)
	}
	checkStreaks(t, s, persons, units, "inserted")

	// Overwrite a third of the first person's months: paid flips, units
	// move, through both writers.
	var again []model.Contribution
	for _, c := range first {
		if r.IntN(3) == 0 {
			c.Paid = !c.Paid
			c.UnitCode = units[r.IntN(len(units))]
			again = append(again, c)
		}
	}
	half := len(again) / 2
	if err := s.PutContributions(t.Context(), again[:half]); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRecords(t.Context(), model.RecordBatch{Contributions: again[half:]}); err != nil {
		t.Fatal(err)
	}
	checkStreaks(t, s, persons, units, "overwritten")

	// No store method deletes contributions; a delete by hand (an
	// operator's correction) must not leave a paid month behind.
	if _, err := s.w.Exec(`DELETE FROM contributions WHERE person_id = ? AND month >= '2021-03' AND month <= '2021-05'`, persons[0]); err != nil {
		t.Fatal(err)
	}
	checkStreaks(t, s, persons, units, "deleted")
}

// A data directory written before paid_months existed (schema 5) gets it
// filled from its contributions when Open migrates it.
func TestMigrationFillsPaidMonths(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	const before = 5
	if _, err := db.Exec(`CREATE TABLE schema_version (version INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, q := range migrations[:before] {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO schema_version (version) VALUES (?)`, before); err != nil {
		t.Fatal(err)
	}
	persons, units := []string{"110105199003071239"}, []string{"U1", "U2"}
	cs := randomHistory(rand.New(rand.NewPCG(6, 2)), persons, units)
	data, err := encodeContributions(cs)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		if _, err := db.Exec(`INSERT INTO contributions (person_id, month, type, data) VALUES (?, ?, ?, ?)`,
			c.PersonID, c.Month, c.Type, data[i]); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM paid_months`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("paid_months after migration: %d rows, %v", n, err)
	}
	checkStreaks(t, s, persons, units, "migrated")
}
