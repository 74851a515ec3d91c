// Package testutil holds the helpers sihub's tests share: finding the
// independent tools they cross-check with (openssl, qpdf, pdfsig, zbarimg,
// chromium …) and the third-party corpora beside the repository.
//
// A missing tool or corpus fails the test when CI=true — CI installs them,
// so a skip there would hide a gap — and skips it elsewhere. Only tests
// import this package.
package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// InCI reports whether the tests run in CI, where nothing may be skipped
// for a missing tool.
func InCI() bool { return os.Getenv("CI") == "true" }

// NeedTool returns the path of an external program.
func NeedTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if InCI() {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// Run runs an external program and returns its combined output.
func Run(t testing.TB, name string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(NeedTool(t, name), args...).CombinedOutput()
	return string(out), err
}

// WriteFile writes data to dir/name (0600) and returns the path.
func WriteFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// RepoRoot returns the directory holding go.mod, above the test's directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testutil: go.mod not found above the test directory")
		}
		dir = parent
	}
}

// Corpora returns the path of the shared third-party corpora, ../shared/corpora
// from the repository root, joined with elem.
func Corpora(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{RepoRoot(t), "..", "shared", "corpora"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		if InCI() {
			t.Fatalf("corpus %s is required in CI: %v", p, err)
		}
		t.Skipf("corpus %s not present", p)
	}
	return p
}
