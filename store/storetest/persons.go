package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"sihub/model"
	"sihub/store"
)

func testPersons(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	n, err := s.CountPersons(c)
	must(t, "CountPersons on an empty store", err)
	if n != 0 {
		t.Errorf("CountPersons on an empty store = %d, want 0", n)
	}
	_, err = s.Person(c, "110105199003071239")
	wantNotFound(t, "Person of a missing id", err)

	p := person("110105199003071239")
	must(t, "PutPerson", s.PutPerson(c, p))
	got, err := s.Person(c, p.ID)
	must(t, "Person", err)
	wantSame(t, "Person after PutPerson", got, p)

	p.Name, p.Phone, p.UnitCode = "李四", "", ""
	must(t, "PutPerson (replace)", s.PutPerson(c, p))
	got, err = s.Person(c, p.ID)
	must(t, "Person", err)
	wantSame(t, "Person after replacing", got, p)

	must(t, "PutPerson", s.PutPerson(c, person("110105199003071247")))
	n, err = s.CountPersons(c)
	must(t, "CountPersons", err)
	if n != 2 {
		t.Errorf("CountPersons = %d, want 2 (a replace must not add a person)", n)
	}
}

func testPersonIDsPaging(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	ids, err := s.PersonIDs(c, "", 10)
	must(t, "PersonIDs on an empty store", err)
	if len(ids) != 0 {
		t.Errorf("PersonIDs on an empty store = %q, want none", ids)
	}
	var want []string
	for i := range 25 {
		want = append(want, fmt.Sprintf("1101051990030712%02d", i))
	}
	shuffled := slices.Clone(want)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) {
		shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
	})
	for _, id := range shuffled {
		must(t, "PutPerson", s.PutPerson(c, person(id)))
	}

	var walked []string
	after := ""
	for page := 0; ; page++ {
		ids, err := s.PersonIDs(c, after, 10)
		must(t, "PersonIDs", err)
		if len(ids) > 10 {
			t.Fatalf("PersonIDs(%q, 10) returned %d ids", after, len(ids))
		}
		if len(ids) == 0 {
			break
		}
		if page > 3 {
			t.Fatalf("PersonIDs does not end: page %d after %q is %q", page, after, ids)
		}
		walked = append(walked, ids...)
		after = ids[len(ids)-1]
	}
	if !slices.Equal(walked, want) {
		t.Errorf("walking PersonIDs by 10:\n got  %q\n want %q", walked, want)
	}
	ids, err = s.PersonIDs(c, "", 0)
	must(t, "PersonIDs", err)
	if !slices.Equal(ids, want) {
		t.Errorf("PersonIDs(\"\", 0) (no limit) = %q, want all %d", ids, len(want))
	}
	ids, err = s.PersonIDs(c, want[4], 3)
	must(t, "PersonIDs", err)
	if !slices.Equal(ids, want[5:8]) {
		t.Errorf("PersonIDs(%q, 3) = %q, want %q", want[4], ids, want[5:8])
	}
	ids, err = s.PersonIDs(c, want[24], 10)
	must(t, "PersonIDs", err)
	if len(ids) != 0 {
		t.Errorf("PersonIDs after the last id = %q, want none", ids)
	}
}

func testUnits(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	u := model.Unit{
		CreditCode: "91110105MA01ABCD2X",
		Name:       "北京某某科技有限公司",
		Region:     "110105",
		Address:    "北京市朝阳区",
		CreatedAt:  at(2 * time.Hour),
	}
	_, err := s.Unit(c, u.CreditCode)
	wantNotFound(t, "Unit of a missing code", err)
	must(t, "PutUnit", s.PutUnit(c, u))
	got, err := s.Unit(c, u.CreditCode)
	must(t, "Unit", err)
	wantSame(t, "Unit after PutUnit", got, u)
	u.Name, u.Address = "北京某某集团有限公司", ""
	must(t, "PutUnit (replace)", s.PutUnit(c, u))
	got, err = s.Unit(c, u.CreditCode)
	must(t, "Unit", err)
	wantSame(t, "Unit after replacing", got, u)
}

func testInsurances(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	const a, b = "110105199003071239", "110105199003071247"
	ins, err := s.Insurances(c, a)
	must(t, "Insurances of a person without any", err)
	if len(ins) != 0 {
		t.Errorf("Insurances of a person without any = %+v", ins)
	}
	mk := func(pid, typ string, status int) model.Insurance {
		return model.Insurance{PersonID: pid, Type: typ, Status: status, Since: "2015-07", UnitCode: "91110105MA01ABCD2X"}
	}
	for _, in := range []model.Insurance{
		mk(a, model.InsMedical, model.InsStatusActive),
		mk(a, model.InsPensionEnterprise, model.InsStatusActive),
		mk(b, model.InsUnemployment, model.InsStatusActive),
		mk(a, model.InsUnemployment, model.InsStatusActive),
	} {
		must(t, "PutInsurance", s.PutInsurance(c, in))
	}
	replaced := mk(a, model.InsMedical, model.InsStatusSuspended)
	replaced.Since = "2016-01"
	must(t, "PutInsurance (replace)", s.PutInsurance(c, replaced))

	ins, err = s.Insurances(c, a)
	must(t, "Insurances", err)
	want := []model.Insurance{
		mk(a, model.InsPensionEnterprise, model.InsStatusActive),
		mk(a, model.InsUnemployment, model.InsStatusActive),
		replaced,
	}
	wantSame(t, "Insurances ordered by type, replaced by (person, type)", ins, want)
}

func testContributions(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	const a, b = "110105199003071239", "110105199003071247"
	mk := func(pid, month, typ string, base int64) model.Contribution {
		return model.Contribution{
			PersonID: pid, Month: month, Type: typ, Base: base,
			Employer: base * 16 / 100, Personal: base * 8 / 100, Paid: true,
			UnitCode: "91110105MA01ABCD2X",
		}
	}
	must(t, "PutContributions of none", s.PutContributions(c, nil))
	var batch []model.Contribution
	for _, month := range []string{"2025-03", "2025-01", "2024-12", "2025-02", "2025-04"} {
		batch = append(batch,
			mk(a, month, model.InsUnemployment, 800000),
			mk(a, month, model.InsPensionEnterprise, 800000),
			mk(b, month, model.InsPensionEnterprise, 500000))
	}
	must(t, "PutContributions", s.PutContributions(c, batch))
	fix := mk(a, "2025-02", model.InsPensionEnterprise, 900000)
	fix.Paid = false
	must(t, "PutContributions (replace one month)", s.PutContributions(c, []model.Contribution{fix}))

	got, err := s.ContributionsBetween(c, a, "2025-01", "2025-03")
	must(t, "ContributionsBetween", err)
	want := []model.Contribution{
		mk(a, "2025-01", model.InsPensionEnterprise, 800000),
		mk(a, "2025-01", model.InsUnemployment, 800000),
		fix,
		mk(a, "2025-02", model.InsUnemployment, 800000),
		mk(a, "2025-03", model.InsPensionEnterprise, 800000),
		mk(a, "2025-03", model.InsUnemployment, 800000),
	}
	wantSame(t, "ContributionsBetween 2025-01 and 2025-03 (bounds included, by month then type)", got, want)

	got, err = s.ContributionsBetween(c, a, "2023-01", "2024-11")
	must(t, "ContributionsBetween", err)
	if len(got) != 0 {
		t.Errorf("ContributionsBetween before any month = %+v, want none", got)
	}
	got, err = s.ContributionsBetween(c, b, "2000-01", "2099-12")
	must(t, "ContributionsBetween", err)
	if len(got) != 5 {
		t.Errorf("ContributionsBetween of the other person = %d months, want 5", len(got))
	}

	got, err = s.ContributionsOfType(c, a, model.InsPensionEnterprise, "2025-01", "2025-03")
	must(t, "ContributionsOfType", err)
	wantSame(t, "ContributionsOfType pension 2025-01 to 2025-03 (one type, by month)", got, []model.Contribution{
		mk(a, "2025-01", model.InsPensionEnterprise, 800000), fix, mk(a, "2025-03", model.InsPensionEnterprise, 800000),
	})
	got, err = s.ContributionsOfType(c, a, model.InsMedical, "2000-01", "2099-12")
	must(t, "ContributionsOfType", err)
	if len(got) != 0 {
		t.Errorf("ContributionsOfType of a type never paid = %+v, want none", got)
	}
}
