package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"sihub/model"
	"sihub/store"
	"sihub/store/mongo"
	"sihub/store/sqlite"
)

func TestOpenSQLite(t *testing.T) {
	dir := t.TempDir()
	cfg := store.Config{DataDir: dir}
	if cfg.Backend() != "sqlite" {
		t.Errorf("Backend() = %q, want sqlite", cfg.Backend())
	}
	s, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.(*sqlite.Store); !ok {
		t.Fatalf("Open with a data directory returned %T, want *sqlite.Store", s)
	}
	if err := s.PutPerson(t.Context(), model.Person{ID: "110105199003071239"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, sqlite.FileName)); err != nil {
		t.Errorf("database file: %v", err)
	}
}

func TestOpenMongoDB(t *testing.T) {
	uri := os.Getenv("SIHUB_TEST_MONGO_URI")
	if uri == "" {
		t.Skip("SIHUB_TEST_MONGO_URI is not set: no MongoDB server to test against")
	}
	cfg := store.Config{MongoURI: uri, MongoDatabase: "sihub_test_open", DataDir: t.TempDir()}
	if cfg.Backend() != "mongodb" {
		t.Errorf("Backend() = %q, want mongodb", cfg.Backend())
	}
	s, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, ok := s.(*mongo.Store)
	if !ok {
		t.Fatalf("Open with a MongoDB URI returned %T, want *mongo.Store", s)
	}
	if err := m.Database().Drop(t.Context()); err != nil {
		t.Error(err)
	}
}

func TestOpenWithoutBackend(t *testing.T) {
	if _, err := store.Open(t.Context(), store.Config{}); err == nil {
		t.Error("Open of the zero Config succeeded")
	}
}
