package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"sihub/model"
	"sihub/store"
)

func testPutRecords(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	must(t, "PutRecords of nothing", s.PutRecords(c, model.RecordBatch{}))

	const unit = "91110105MA01ABCD2X"
	ids := []string{"110105199003071239", "110105199003071247", "11010519491231002X"}
	var batch model.RecordBatch
	batch.Units = []model.Unit{{CreditCode: unit, Name: "示范科技有限公司", Region: "110105", CreatedAt: at(0)}}
	for _, id := range ids {
		batch.Persons = append(batch.Persons, person(id))
		for _, typ := range []string{model.InsPensionEnterprise, model.InsMedical} {
			batch.Insurances = append(batch.Insurances, model.Insurance{PersonID: id, Type: typ,
				Status: model.InsStatusActive, Since: "2020-01", UnitCode: unit})
		}
	}
	// 3 persons × 25 months × 2 types = 150 rows: more than one INSERT's
	// worth on backends that write several rows per statement.
	month := func(i int) string { return time.Date(2020, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC).Format("2006-01") }
	for _, id := range ids {
		for m := range 25 {
			for _, typ := range []string{model.InsPensionEnterprise, model.InsMedical} {
				batch.Contributions = append(batch.Contributions, model.Contribution{PersonID: id, Month: month(m), Type: typ,
					Base: int64(500000 + m*100), Employer: 80000, Personal: 40000, Paid: m != 24, UnitCode: unit})
			}
		}
	}
	batch.Applications = []model.Application{{ID: "SY00000001", Item: "社会保障卡挂失补换", Clause: "5.4.3 e)",
		ProcessingType: model.ProcessCommitted, Applicant: ids[0], ApplicantName: "张三39", Channel: "网上服务大厅",
		Materials: []string{"居民身份证"}, ReceivedAt: at(time.Hour), PromisedBy: at(21 * 24 * time.Hour), Status: model.AppReceived}}
	must(t, "PutRecords", s.PutRecords(c, batch))

	u, err := s.Unit(c, unit)
	must(t, "Unit", err)
	wantSame(t, "Unit after PutRecords", u, batch.Units[0])
	for i, id := range ids {
		p, err := s.Person(c, id)
		must(t, "Person", err)
		wantSame(t, "Person after PutRecords", p, batch.Persons[i])
		ins, err := s.Insurances(c, id)
		must(t, "Insurances", err)
		wantSame(t, "Insurances after PutRecords (ordered by type)", ins, []model.Insurance{batch.Insurances[2*i], batch.Insurances[2*i+1]})
		cs, err := s.ContributionsBetween(c, id, "2000-01", "2099-12")
		must(t, "ContributionsBetween", err)
		wantSame(t, "ContributionsBetween after PutRecords", cs, batch.Contributions[50*i:50*(i+1)])
	}
	a, err := s.Application(c, "SY00000001")
	must(t, "Application", err)
	wantSame(t, "Application after PutRecords", a, batch.Applications[0])
	unpaid, err := s.UnpaidContributionsOfUnit(c, unit, "2000-01", "2099-12")
	must(t, "UnpaidContributionsOfUnit", err)
	if len(unpaid) != 2*len(ids) {
		t.Errorf("UnpaidContributionsOfUnit after PutRecords: %d rows, want %d", len(unpaid), 2*len(ids))
	}
	staff, err := s.InsurancesOfUnit(c, unit)
	must(t, "InsurancesOfUnit", err)
	if len(staff) != len(batch.Insurances) {
		t.Errorf("InsurancesOfUnit after PutRecords: %d enrolments, want %d", len(staff), len(batch.Insurances))
	}

	// Putting again replaces by key: no duplicates, the new values win.
	again := model.RecordBatch{Persons: []model.Person{person(ids[0])}, Contributions: batch.Contributions[:2]}
	again.Persons[0].Name = "李四"
	again.Contributions[1].Base = 123400
	must(t, "PutRecords (replace)", s.PutRecords(c, again))
	p, err := s.Person(c, ids[0])
	must(t, "Person", err)
	wantSame(t, "Person replaced by PutRecords", p, again.Persons[0])
	if n, err := s.CountPersons(c); err != nil || n != int64(len(ids)) {
		t.Errorf("CountPersons after replacing = %d, %v; want %d", n, err, len(ids))
	}
	cs, err := s.ContributionsBetween(c, ids[0], month(0), month(0))
	must(t, "ContributionsBetween", err)
	wantSame(t, "contributions replaced by PutRecords", cs, again.Contributions)

	// A record without its key is refused before anything is written.
	for i, bad := range []model.RecordBatch{
		{Persons: []model.Person{person("110105199003071255"), {Name: "无号"}}},
		{Persons: []model.Person{person("110105199003071255")}, Contributions: []model.Contribution{{PersonID: "110105199003071255", Month: "2026-01"}}},
		{Persons: []model.Person{person("110105199003071255")}, Units: []model.Unit{{Name: "无码"}}},
		{Persons: []model.Person{person("110105199003071255")}, Insurances: []model.Insurance{{PersonID: "110105199003071255"}}},
		{Persons: []model.Person{person("110105199003071255")}, Applications: []model.Application{{Item: "无号"}}},
	} {
		if err := s.PutRecords(c, bad); err == nil {
			t.Errorf("PutRecords of bad batch %d: accepted", i)
		} else if errors.Is(err, model.ErrNotFound) || errors.Is(err, model.ErrConflict) {
			t.Errorf("PutRecords of bad batch %d: %v, want an invalid-record error", i, err)
		}
		_, err := s.Person(c, "110105199003071255")
		wantNotFound(t, fmt.Sprintf("Person of refused batch %d", i), err)
	}
}
