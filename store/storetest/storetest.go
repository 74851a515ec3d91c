// Package storetest is the conformance suite that every store backend
// passes: round-trips of every record, ordering, not-found and conflict
// errors, the atomic visibility of a document and its PDF, status changes,
// audit filtering, paging, and the uniqueness of numbers and documents under
// concurrent writers, the seal's compare-and-set on its status,
// in-platform messages, and batch jobs' work items claimed with leases.
//
// A backend's test calls Run (or RunWith) with a function that opens a
// fresh, empty store for one subtest. The suite closes each store it opens;
// open registers any further cleanup (dropping a database) with t.Cleanup.
//
// A backend that cannot pass a test declares it in Options.Skip with a
// reason naming the gap precisely; a skip for a test that does not exist
// fails the run, so skips cannot go stale silently.
//
// Beyond the interface's comments, the suite fixes: a limit <= 0
// (PersonIDs, AuditEntries) means no limit; seals and keys are listed by
// ID, certificates by NotBefore then serial; an audit entry without ID gets
// one, and an existing ID is ErrConflict; DeleteKey and SetDocumentStatus of
// a missing record are ErrNotFound; times come back as the same instant
// (to the millisecond).
package storetest

import (
	"context"
	"slices"
	"sort"
	"testing"
	"time"

	"sihub/store"
)

// Options adjust the suite to a backend. The zero value runs every test
// with 8 concurrent goroutines of 40 operations each.
type Options struct {
	// Skip maps a test name (see TestNames) to the reason it is skipped.
	Skip map[string]string
	// Goroutines is the number of concurrent writers (0: 8).
	Goroutines int
	// PerGoroutine is the operations per writer (0: 40).
	PerGoroutine int
}

// test is one conformance test.
type test struct {
	name string
	run  func(t *testing.T, s store.Store, o Options)
}

// tests lists the suite in the order it runs.
var tests = []test{
	{"Persons", testPersons},
	{"PersonIDsPaging", testPersonIDsPaging},
	{"Units", testUnits},
	{"Insurances", testInsurances},
	{"Contributions", testContributions},
	{"PaidStreak", testPaidStreak},
	{"DocumentRoundTrip", testDocumentRoundTrip},
	{"DocumentNotFound", testDocumentNotFound},
	{"DocumentConflicts", testDocumentConflicts},
	{"DocumentsWithoutIdempotencyKey", testDocumentsWithoutIdempotencyKey},
	{"DocumentsBySubject", testDocumentsBySubject},
	{"SetDocumentStatus", testSetDocumentStatus},
	{"DocumentLargePDF", testDocumentLargePDF},
	{"DocumentVisibility", testDocumentVisibility},
	{"PutDocumentConcurrent", testPutDocumentConcurrent},
	{"PutIssued", testPutIssued},
	{"Seals", testSeals},
	{"UpdateSeal", testUpdateSeal},
	{"UpdateSealConcurrent", testUpdateSealConcurrent},
	{"Certificates", testCertificates},
	{"Keys", testKeys},
	{"Accounts", testAccounts},
	{"APIKeys", testAPIKeys},
	{"AllocateNumber", testAllocateNumber},
	{"AllocateNumberConcurrent", testAllocateNumberConcurrent},
	{"Audit", testAudit},
	{"AuditConflict", testAuditConflict},
	{"Messages", testMessages},
	{"MessageDedup", testMessageDedup},
	{"Applications", testApplications},
	{"BenefitPayments", testBenefitPayments},
	{"UnitRecords", testUnitRecords},
	{"DocumentParams", testDocumentParams},
	{"Outbox", testOutbox},
	{"OutboxConcurrent", testOutboxConcurrent},
	{"PersonIDsInRegion", testPersonIDsInRegion},
	{"Jobs", testJobs},
	{"WorkItemLeases", testWorkItemLeases},
	{"ClaimWorkItemConcurrent", testClaimWorkItemConcurrent},
	{"PutRecords", testPutRecords},
}

// TestNames lists the names Options.Skip may use.
func TestNames() []string {
	names := make([]string, len(tests))
	for i, tc := range tests {
		names[i] = tc.name
	}
	return names
}

// Run runs the whole suite with the zero Options.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	RunWith(t, open, Options{})
}

// RunWith runs the suite with options.
func RunWith(t *testing.T, open func(t *testing.T) store.Store, o Options) {
	names := TestNames()
	var unknown []string
	for name := range o.Skip {
		if !slices.Contains(names, name) {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		t.Fatalf("storetest: Options.Skip names unknown tests %q (known: %q)", unknown, names)
	}
	if o.Goroutines <= 0 {
		o.Goroutines = 8
	}
	if o.PerGoroutine <= 0 {
		o.PerGoroutine = 40
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if reason, ok := o.Skip[tc.name]; ok {
				t.Skip(reason)
			}
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.run(t, s, o)
		})
	}
}

// ctx is the test's context with a generous deadline, so that a hung
// backend fails the test instead of the whole run.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}
