package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sihub/model"
	"sihub/store"
	"sihub/store/sqlite"
	"sihub/store/storetest"
)

var _ store.Store = (*sqlite.Store)(nil)

func open(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, open)
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	s, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.PutPerson(t.Context(), model.Person{ID: "110105199003071239"}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{
		dir:                                 0o700 | os.ModeDir,
		filepath.Join(dir, sqlite.FileName): 0o600,
		filepath.Join(dir, sqlite.FileName+"-wal"): 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
		}
	}
	if got, want := s.Path(), filepath.Join(dir, sqlite.FileName); got != want {
		t.Errorf("Path() = %q, want %q", got, want)
	}
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.AllocateNumber(ctx, "x"); err != nil || n != 1 {
		t.Fatalf("AllocateNumber = %d, %v", n, err)
	}
	d := model.Document{Code: "C1", Number: "N1", Subject: "S", Status: model.DocValid}
	if err := s.PutDocument(ctx, d, []byte("%PDF-1.7")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	s, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.AllocateNumber(ctx, "x"); err != nil || n != 2 {
		t.Errorf("AllocateNumber after reopening = %d, %v; want 2", n, err)
	}
	if pdf, err := s.DocumentPDF(ctx, "C1"); err != nil || string(pdf) != "%PDF-1.7" {
		t.Errorf("DocumentPDF after reopening = %q, %v", pdf, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE schema_version SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, err = sqlite.Open(t.Context(), dir)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a file with a newer schema: err = %v, want a refusal", err)
	}
}

func TestEmptyKeysAreInvalid(t *testing.T) {
	s := open(t)
	defer s.Close()
	ctx := context.Background()
	for name, err := range map[string]error{
		"PutPerson":   s.PutPerson(ctx, model.Person{}),
		"PutDocument": s.PutDocument(ctx, model.Document{Number: "N"}, nil),
		"PutKey":      s.PutKey(ctx, model.KeyBlob{}),
		"PutContributions": s.PutContributions(ctx, []model.Contribution{
			{PersonID: "p", Month: "2025-01", Type: "110"}, {PersonID: "p"}}),
	} {
		if !errors.Is(err, sqlite.ErrInvalid) {
			t.Errorf("%s without key: err = %v, want sqlite.ErrInvalid", name, err)
		}
	}
	// A refused batch stores nothing.
	cs, err := s.ContributionsBetween(ctx, "p", "0000-00", "9999-99")
	if err != nil || len(cs) != 0 {
		t.Errorf("ContributionsBetween after a refused batch = %v, %v; want none", cs, err)
	}
}

func TestBackupTo(t *testing.T) {
	ctx := t.Context()
	s, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	d := model.Document{Code: "C1", Number: "N1", Subject: "S", Status: model.DocValid}
	if err := s.PutDocument(ctx, d, []byte("%PDF-1.7 backup")); err != nil {
		t.Fatal(err)
	}

	restored := t.TempDir()
	path := filepath.Join(restored, sqlite.FileName)
	if err := s.BackupTo(ctx, path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode() != 0o600 {
		t.Fatalf("backup file: %v, %v; want mode 0600", fi, err)
	}
	if err := s.BackupTo(ctx, path); err == nil {
		t.Error("BackupTo over an existing file succeeded")
	}

	b, err := sqlite.Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if pdf, err := b.DocumentPDF(ctx, "C1"); err != nil || string(pdf) != "%PDF-1.7 backup" {
		t.Errorf("DocumentPDF from the backup = %q, %v", pdf, err)
	}
}

// TestNewFileHasLargePages: a new file gets PageSize pages, and reopening
// it keeps them.
func TestNewFileHasLargePages(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		s, err := sqlite.Open(t.Context(), dir)
		if err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite", s.Path()+"?_query_only=1")
		if err != nil {
			t.Fatal(err)
		}
		var size int
		err = db.QueryRow(`PRAGMA page_size`).Scan(&size)
		db.Close()
		s.Close()
		if err != nil || size != sqlite.PageSize {
			t.Fatalf("page size %d, %v; want %d", size, err, sqlite.PageSize)
		}
	}
}
