package mongo_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// ferret is one embedded FerretDB server (SQLite handler) shared by the
// tests of this package, started on first use and stopped by TestMain.
var ferret struct {
	once sync.Once
	uri  string
	err  error
	stop func()
}

// ferretURI returns the URI of the embedded FerretDB server, starting it if
// needed.
func ferretURI(t testing.TB) string {
	t.Helper()
	ferret.once.Do(func() { ferret.uri, ferret.stop, ferret.err = startFerretDB() })
	if ferret.err != nil {
		t.Fatalf("embedded FerretDB: %v", ferret.err)
	}
	return ferret.uri
}

func startFerretDB() (uri string, stop func(), err error) {
	dir, err := os.MkdirTemp("", "sihub-ferretdb-")
	if err != nil {
		return "", nil, err
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		// Every failed command (a duplicate key, by design) is logged
		// below ERROR; keep the test output to real problems.
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.Run(ctx)
	}()
	stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			fmt.Fprintln(os.Stderr, "embedded FerretDB did not stop within 30 s")
		}
		os.RemoveAll(dir)
	}
	return f.MongoDBURI(), stop, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if ferret.stop != nil {
		ferret.stop()
	}
	os.Exit(code)
}
