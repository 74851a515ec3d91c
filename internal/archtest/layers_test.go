package archtest

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"sihub/internal/testutil"
)

// layer gives each top-level directory its rank; a package may import
// sihub packages of a lower rank and of its own directory only.
var layer = map[string]int{
	"model": 0, "ident": 0, "internal": 0,
	"hsm":    1,
	"certs":  2, // CA keys are reached through hsm
	"signer": 3, "verifier": 3,
	"store": 4, "portal": 4,
	"app": 5,
	"cmd": 6,
}

func top(pkg string) string {
	rest := strings.TrimPrefix(pkg, "sihub/")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[:i]
	}
	return rest
}

func TestDependencyDirection(t *testing.T) {
	gobin := testutil.NeedTool(t, "go")
	cmd := exec.Command(gobin, "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "sihub/...")
	cmd.Dir = testutil.RepoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		from := top(f[0])
		rf, ok := layer[from]
		if !ok {
			t.Errorf("package %s is in a directory with no layer; add %q to the table", f[0], from)
			continue
		}
		for _, imp := range f[1:] {
			if !strings.HasPrefix(imp, "sihub/") {
				continue
			}
			to := top(imp)
			checked++
			if to == from {
				continue
			}
			if rt, ok := layer[to]; !ok || rt >= rf {
				t.Errorf("%s imports %s: %s (layer %d) may not depend on %s (layer %d)", f[0], imp, from, rf, to, rt)
			}
		}
		if strings.HasPrefix(f[0], "sihub/portal") {
			continue
		}
		for _, imp := range f[1:] {
			if imp == "github.com/gorilla/mux" {
				t.Errorf("%s imports gorilla/mux; only portal routes do", f[0])
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d sihub imports seen; the listing is wrong", checked)
	}
}
