package main

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"sihub/app"
	"sihub/internal/testutil"
)

// BenchmarkCLIVersusPdfsig runs, side by side in one loop, the whole
// process of `sihub verify FILE` (the binary as `make build` makes it, on
// an instance's data directory: registry lookup and audit entry included)
// and poppler's `pdfsig FILE` on the same single-page P-256 certificate.
// It reports each one's wall time per run, the CPU time of the child
// processes, and sihub's wall time as a fraction of pdfsig's (issue 5
// asks for at most 0.5). Skipped without pdfsig outside CI.
func BenchmarkCLIVersusPdfsig(b *testing.B) {
	pdfsig := testutil.NeedTool(b, "pdfsig")
	dir := b.TempDir()
	bin := filepath.Join(dir, "sihub")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-trimpath", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	b.Setenv("SIHUB_DATA", data)
	b.Setenv("SIHUB_KEY_PASSPHRASE", "")
	pdf := filepath.Join(dir, "p256.pdf")
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"issue", "--subject", app.DemoPersonID, "--alg", "p256", "--out", pdf}, io.Discard, &stderr); code != 0 {
		b.Fatalf("issue: %s", stderr.String())
	}
	// One untimed run of each: the file and both programs in the page cache.
	for _, c := range [][]string{{bin, "verify", pdf}, {pdfsig, pdf}} {
		out, err := exec.Command(c[0], c[1:]...).CombinedOutput()
		if err != nil {
			b.Fatalf("%s: %v\n%s", filepath.Base(c[0]), err, out)
		}
		if filepath.Base(c[0]) == "pdfsig" && !strings.Contains(string(out), "Signature is Valid") {
			b.Fatalf("pdfsig does not call the certificate valid:\n%s", out)
		}
	}
	var ours, theirs, oursCPU, theirsCPU time.Duration
	run := func(wall, cpu *time.Duration, name string, args ...string) {
		cmd := exec.Command(name, args...)
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("%s: %v", filepath.Base(name), err)
		}
		*wall += time.Since(start)
		*cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	for b.Loop() {
		run(&ours, &oursCPU, bin, "verify", pdf)
		run(&theirs, &theirsCPU, pdfsig, pdf)
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / n }
	b.ReportMetric(ms(ours), "sihub-ms/op")
	b.ReportMetric(ms(theirs), "pdfsig-ms/op")
	b.ReportMetric(ms(oursCPU), "sihub-cpu-ms/op")
	b.ReportMetric(ms(theirsCPU), "pdfsig-cpu-ms/op")
	b.ReportMetric(float64(ours)/float64(theirs), "sihub/pdfsig")
}
