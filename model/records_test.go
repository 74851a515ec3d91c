package model

import "testing"

func TestRecordBatchMissingKey(t *testing.T) {
	full := RecordBatch{
		Units:         []Unit{{CreditCode: "91110105MA00000001"}},
		Persons:       []Person{{ID: "110105199003071239"}},
		Insurances:    []Insurance{{PersonID: "110105199003071239", Type: InsMedical}},
		Contributions: []Contribution{{PersonID: "110105199003071239", Month: "2026-01", Type: InsMedical}},
		Applications:  []Application{{ID: "SY00000001"}},
	}
	if got := full.MissingKey(); got != "" {
		t.Errorf("a batch with every key: %q", got)
	}
	for want, mod := range map[string]func(*RecordBatch){
		"unit without credit code":            func(r *RecordBatch) { r.Units = append(r.Units, Unit{}) },
		"person without id":                   func(r *RecordBatch) { r.Persons = append(r.Persons, Person{Name: "无号"}) },
		"insurance without person id or type": func(r *RecordBatch) { r.Insurances = append(r.Insurances, Insurance{PersonID: "x"}) },
		"contribution without person id, month or type": func(r *RecordBatch) {
			r.Contributions = append(r.Contributions, Contribution{PersonID: "x", Type: "y"})
		},
		"application without id": func(r *RecordBatch) { r.Applications = append(r.Applications, Application{}) },
	} {
		r := full
		mod(&r)
		if got := r.MissingKey(); got != want {
			t.Errorf("MissingKey = %q, want %q", got, want)
		}
	}
}
