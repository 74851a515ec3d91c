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
