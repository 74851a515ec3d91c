//go:build cgo

package pkcs11

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBuildWithoutCgo builds and runs this package's no-cgo test with
// CGO_ENABLED=0: the stub must compile and refuse clearly.
func TestBuildWithoutCgo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package a second time")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH")
	}
	cmd := exec.Command(gobin, "test", "-count=1", "-v", "-run", "^TestOpenWithoutCgo$", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("CGO_ENABLED=0 go test: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestOpenWithoutCgo") {
		t.Fatalf("the no-cgo test did not run:\n%s", out)
	}
}
