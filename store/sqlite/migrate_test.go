package sqlite

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"sihub/model"
)

// A file written by the first schema (before messages) is migrated at
// Open through every later step: its records stay (a PDF stored as
// written reads back as it was), and messages and the seal
// compare-and-set work on it.
func TestMigratesFromSchema1(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE schema_version (version INTEGER NOT NULL)`,
		migrations[0],
		`INSERT INTO schema_version (version) VALUES (1)`,
		`INSERT INTO seals (id, data) VALUES ('s1', '{"id":"s1","status":"active"}')`,
		`INSERT INTO documents (code, number, subject, issued_at, data) VALUES ('C1', 'N1', 'S', 0, '{"code":"C1","number":"N1"}')`,
		`INSERT INTO pdfs (code, data) VALUES ('C1', x'255044462d312e370a')`, // a PDF stored as written, before step 7
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version int
	if err := s.r.QueryRow(`SELECT version FROM schema_version`).Scan(&version); err != nil || version != SchemaVersion {
		t.Fatalf("schema version %d after Open (%v), want %d", version, err, SchemaVersion)
	}
	if se, err := s.Seal(t.Context(), "s1"); err != nil || se.Status != "active" {
		t.Fatalf("seal from schema 1: %+v %v", se, err)
	}
	if pdf, err := s.DocumentPDF(t.Context(), "C1"); err != nil || string(pdf) != "%PDF-1.7\n" {
		t.Errorf("PDF from schema 1 = %q, %v", pdf, err)
	}
	m := model.Message{Recipient: "role:ca-admin", Kind: "seal.expiry", Subject: "x", CreatedAt: time.Now()}
	if err := s.PutMessage(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateSeal(t.Context(), model.Seal{ID: "s1", Status: model.SealSuspended}, model.SealActive); err != nil {
		t.Fatal(err)
	}
}
