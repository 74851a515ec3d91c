package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"sihub/model"
)

// bulkBatch is n persons with ten years of four insurance types each,
// the shape of a synthetic-data batch.
func bulkBatch(n, from int) model.RecordBatch {
	var b model.RecordBatch
	for i := from; i < from+n; i++ {
		id := fmt.Sprintf("1101051990%08d", (i*7919)%100000) // spread over the key space
		b.Persons = append(b.Persons, model.Person{ID: id, Name: "张三", Sex: "男", BirthDate: "1990-01-01", Region: "110105", UnitCode: "91110105MA01ABCD2X"})
		for _, typ := range []string{model.InsPensionEnterprise, model.InsUnemployment, model.InsMedical, model.InsWorkInjury} {
			b.Insurances = append(b.Insurances, model.Insurance{PersonID: id, Type: typ, Since: "2016-01", UnitCode: "91110105MA01ABCD2X"})
		}
		for m := range 120 {
			month := fmt.Sprintf("%04d-%02d", 2016+m/12, 1+m%12)
			for _, typ := range []string{model.InsPensionEnterprise, model.InsMedical, model.InsUnemployment, model.InsWorkInjury} {
				b.Contributions = append(b.Contributions, model.Contribution{PersonID: id, Month: month, Type: typ,
					Base: 800000, Employer: 128000, Personal: 64000, Paid: true, UnitCode: "91110105MA01ABCD2X"})
			}
		}
	}
	return b
}

// BenchmarkPutRecords writes batches of 100 persons (48,000
// contributions) into one growing database; rows/s counts contributions.
func BenchmarkPutRecords(b *testing.B) {
	s, err := Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rows := 0
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		batch := bulkBatch(100, 100*i)
		b.StartTimer()
		if err := s.PutRecords(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
		rows += len(batch.Contributions)
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// appendContributionJSON writes what json.Marshal writes, for plain
// values, values that need escaping and extreme numbers.
func FuzzAppendContributionJSON(f *testing.F) {
	f.Add("110105199003071239", "2026-01", "110", int64(800000), int64(128000), int64(64000), true, "91110105MA01ABCD2X")
	f.Add("", "", "", int64(0), int64(0), int64(0), false, "")
	f.Add(`a"b\c`, "<2026>&", "\x00\x1f\u2028", int64(-1), int64(9223372036854775807), int64(-9223372036854775808), false, "单位\xff")
	f.Fuzz(func(t *testing.T, person, month, typ string, base, employer, personal int64, paid bool, unit string) {
		c := model.Contribution{PersonID: person, Month: month, Type: typ, Base: base, Employer: employer, Personal: personal, Paid: paid, UnitCode: unit}
		want, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendContributionJSON([]byte("prefix"), c)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "prefix"+string(want) {
			t.Fatalf("appendContributionJSON = %s, json.Marshal = %s", got[len("prefix"):], want)
		}
	})
}
