//go:build cgo

package pkcs11

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

const (
	softhsmModule = "/usr/lib/softhsm/libsofthsm2.so"
	testPIN       = "4711-user"
	testSOPIN     = "4712-so"
)

// softToken is a SoftHSM2 token in a private directory.
type softToken struct {
	dir, tokens, label string
}

// newSoftToken makes a fresh SoftHSM2 configuration and token for one test
// and points SOFTHSM2_CONF at it. Without SoftHSM2 the test is skipped,
// except in CI where it must run.
func newSoftToken(t testing.TB, label string) *softToken {
	t.Helper()
	util, err := exec.LookPath("softhsm2-util")
	_, modErr := os.Stat(softhsmModule)
	if err != nil || modErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("SoftHSM2 missing in CI: %v %v", err, modErr)
		}
		t.Skip("SoftHSM2 not installed")
	}
	dir := t.TempDir()
	st := &softToken{dir: dir, tokens: filepath.Join(dir, "tokens"), label: label}
	if err := os.Mkdir(st.tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	body := "directories.tokendir = " + st.tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n"
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	out, err := exec.Command(util, "--init-token", "--free", "--label", label, "--pin", testPIN, "--so-pin", testSOPIN).CombinedOutput()
	if err != nil {
		t.Fatalf("softhsm2-util --init-token: %v\n%s", err, out)
	}
	return st
}

func (st *softToken) config() Config {
	return Config{ModulePath: softhsmModule, Token: st.label, PIN: testPIN}
}

func openSoft(t testing.TB, cfg Config) *Backend {
	t.Helper()
	b, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}
