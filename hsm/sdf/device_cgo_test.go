//go:build cgo

package sdf

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"sihub/hsm"
)

// testDevice is the C test device of testdata/sdftest.c, built once per
// r/s size, with its own key directory per test.
type testDevice struct {
	lib, keys, password string
	fail, hang, badSig  string // flag files
}

var built struct {
	sync.Mutex
	dir  string
	libs map[int]string
}

func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing in CI", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

func buildLibrary(t testing.TB, rs int) string {
	t.Helper()
	built.Lock()
	defer built.Unlock()
	if p := built.libs[rs]; p != "" {
		return p
	}
	gcc := needTool(t, "gcc")
	if built.dir == "" {
		d, err := os.MkdirTemp("", "sdftest")
		if err != nil {
			t.Fatal(err)
		}
		built.dir, built.libs = d, map[int]string{}
	}
	out := filepath.Join(built.dir, "libsdftest"+strconv.Itoa(rs)+".so")
	cmd := exec.Command(gcc, "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-DECCREF_LEN="+strconv.Itoa(rs),
		"-o", out, filepath.Join("testdata", "sdftest.c"), "-lcrypto")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the test device (needs libssl-dev): %v\n%s", err, b)
	}
	built.libs[rs] = out
	return out
}

func TestMain(m *testing.M) {
	if uri := os.Getenv("SIHUB_TEST_SIGNER_CHILD"); uri != "" {
		os.Exit(runSignerChild(uri))
	}
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// newTestDevice builds the library for rs and makes SM2 keys at the given
// indexes with openssl.
func newTestDevice(t testing.TB, rs int, indexes ...uint) *testDevice {
	t.Helper()
	lib := buildLibrary(t, rs)
	openssl := needTool(t, "openssl")
	dir := t.TempDir()
	d := &testDevice{
		lib: lib, keys: filepath.Join(dir, "keys"), password: "口令-0018",
		fail: filepath.Join(dir, "fail"), hang: filepath.Join(dir, "hang"), badSig: filepath.Join(dir, "badsig"),
	}
	if err := os.Mkdir(d.keys, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, i := range indexes {
		p := filepath.Join(d.keys, "sign"+strconv.FormatUint(uint64(i), 10)+".pem")
		if out, err := exec.Command(openssl, "genpkey", "-algorithm", "SM2", "-out", p).CombinedOutput(); err != nil {
			t.Fatalf("openssl genpkey: %v\n%s", err, out)
		}
	}
	t.Setenv("SDFTEST_KEYDIR", d.keys)
	t.Setenv("SDFTEST_PASSWORD", d.password)
	t.Setenv("SDFTEST_FAILFILE", d.fail)
	t.Setenv("SDFTEST_HANGFILE", d.hang)
	t.Setenv("SDFTEST_BADSIGFILE", d.badSig)
	return d
}

func (d *testDevice) set(t testing.TB, flag string, on bool) {
	t.Helper()
	if on {
		if err := os.WriteFile(flag, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err := os.Remove(flag); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}

func (d *testDevice) config(indexes ...uint) Config {
	return Config{ModulePath: d.lib, KeyIndexes: indexes, Password: d.password}
}

// open opens a backend on the device's key 1 with the pool options (closed
// when the test ends) and finds that key.
func (d *testDevice) open(t *testing.T, pool hsm.PoolOptions) (*Backend, hsm.Key) {
	t.Helper()
	cfg := d.config(1)
	cfg.Pool = pool
	b, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	k, err := b.Find(context.Background(), "1")
	if err != nil {
		t.Fatal(err)
	}
	return b, k
}
