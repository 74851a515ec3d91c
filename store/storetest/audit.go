package storetest

import (
	"testing"
	"time"

	"sihub/model"
	"sihub/store"
)

func testAudit(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	entry := func(id string, d time.Duration, action, object string) model.AuditEntry {
		return model.AuditEntry{ID: id, Time: at(d), Actor: "110105199003071239",
			Action: action, Object: object, Outcome: "ok", Remote: "127.0.0.1", Detail: "详情 " + id}
	}
	e1 := entry("e1", 0, "document.issue", "CODEA")
	e2 := entry("e2", time.Second, "document.verify", "CODEA")
	e3 := entry("e3", 2*time.Second, "document.issue", "CODEB")
	e4 := entry("e4", 3*time.Second, "auth.login", "")
	e4.Remote, e4.Detail, e4.Outcome = "", "", "denied"
	for _, e := range []model.AuditEntry{e3, e1, e4, e2} { // not in time order
		must(t, "AppendAudit", s.AppendAudit(c, e))
	}
	for _, tc := range []struct {
		name           string
		since          time.Time
		action, object string
		limit          int
		want           []model.AuditEntry
	}{
		{"all", at(0), "", "", 100, []model.AuditEntry{e1, e2, e3, e4}},
		{"no limit", at(0), "", "", 0, []model.AuditEntry{e1, e2, e3, e4}},
		{"since is inclusive", at(time.Second), "", "", 100, []model.AuditEntry{e2, e3, e4}},
		{"since between entries", at(1500 * time.Millisecond), "", "", 100, []model.AuditEntry{e3, e4}},
		{"since after all", at(time.Hour), "", "", 100, nil},
		{"by action", at(0), "document.issue", "", 100, []model.AuditEntry{e1, e3}},
		{"by object", at(0), "", "CODEA", 100, []model.AuditEntry{e1, e2}},
		{"by action and object", at(0), "document.issue", "CODEB", 100, []model.AuditEntry{e3}},
		{"by action and object, none", at(0), "auth.login", "CODEA", 100, nil},
		{"limit keeps the oldest", at(0), "", "", 2, []model.AuditEntry{e1, e2}},
		{"since in another zone", at(time.Second).In(beijing), "", "", 1, []model.AuditEntry{e2}},
	} {
		got, err := s.AuditEntries(c, tc.since, tc.action, tc.object, tc.limit)
		must(t, "AuditEntries "+tc.name, err)
		wantSame(t, "AuditEntries "+tc.name, got, tc.want)
	}

	// An entry without ID is stored under one the store chooses.
	must(t, "AppendAudit without id", s.AppendAudit(c, entry("", time.Hour, "auth.logout", "")))
	got, err := s.AuditEntries(c, at(time.Hour), "auth.logout", "", 10)
	must(t, "AuditEntries", err)
	if len(got) != 1 || got[0].ID == "" {
		t.Errorf("entry appended without id came back as %+v, want one entry with an id", got)
	}
}

func testAuditConflict(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	e := model.AuditEntry{ID: "e1", Time: at(0), Actor: "cli", Action: "seal.create", Object: "s1", Outcome: "ok"}
	must(t, "AppendAudit", s.AppendAudit(c, e))
	changed := e
	changed.Outcome = "failed"
	wantConflict(t, "AppendAudit of an existing id (append-only)", s.AppendAudit(c, changed))
	got, err := s.AuditEntries(c, at(0), "", "", 10)
	must(t, "AuditEntries", err)
	wantSame(t, "audit trail after a refused append", got, []model.AuditEntry{e})
}
