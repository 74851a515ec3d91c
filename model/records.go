package model

// RecordBatch is a batch of insured persons' records written together
// (store.Bulk): synthetic data, imports.
type RecordBatch struct {
	Units         []Unit
	Persons       []Person
	Insurances    []Insurance
	Contributions []Contribution
	Applications  []Application
}

// MissingKey names the first record of r without its key (in the order
// units, persons, insurances, contributions, applications), e.g. "person
// without id"; "" when every record has its key. A store refuses such a
// batch before writing any of it.
func (r RecordBatch) MissingKey() string {
	for _, u := range r.Units {
		if u.CreditCode == "" {
			return "unit without credit code"
		}
	}
	for _, p := range r.Persons {
		if p.ID == "" {
			return "person without id"
		}
	}
	for _, in := range r.Insurances {
		if in.PersonID == "" || in.Type == "" {
			return "insurance without person id or type"
		}
	}
	for _, c := range r.Contributions {
		if c.PersonID == "" || c.Month == "" || c.Type == "" {
			return "contribution without person id, month or type"
		}
	}
	for _, a := range r.Applications {
		if a.ID == "" {
			return "application without id"
		}
	}
	return ""
}
