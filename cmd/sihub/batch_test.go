package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sihub/app"
	"sihub/model"
	"sihub/signer"
	"sihub/store/sqlite"
)

// reexecEnv makes the test binary run sihub itself on its arguments
// instead of the tests, so a test can start sihub as a process of its own
// and kill it.
const reexecEnv = "SIHUB_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(reexecEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

var (
	summaryLine  = regexp.MustCompile(`(?m)^issued=(\d+) already=(\d+) failed=(\d+)\n?\z`)
	skippedField = regexp.MustCompile(`(?m)^job=\S+ persons=\d+ skipped=(\d+) `)
)

// TestBatchStatementsSurvivesKill runs sihub batch statements as a
// process, kills it (SIGKILL) once some statements are stored, runs it
// again and checks that every person has exactly one 2025 statement —
// none lost, none twice — and that the summary adds up.
func TestBatchStatementsSurvivesKill(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	t.Setenv("SIHUB_DATA", data)
	t.Setenv("SIHUB_KEY_PASSPHRASE", "")
	if code, _, errOut := sihub(t, "seed", "--persons", "60", "--seed", "7"); code != 0 {
		t.Fatalf("seed exit %d: %s", code, errOut)
	}
	st, err := sqlite.Open(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	persons, err := st.PersonIDs(t.Context(), "", 0)
	if err != nil || len(persons) < 60 {
		t.Fatalf("%d persons stored (%v), want at least 60", len(persons), err)
	}
	stored := func() int {
		n := 0
		for _, id := range persons {
			if _, err := st.DocumentByIdempotencyKey(t.Context(), app.StatementKey(2025, id)); err == nil {
				n++
			}
		}
		return n
	}

	args := []string{"batch", "statements", "--year", "2025", "--chunk", "10", "--lease", "1s", "--workers", "2"}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), reexecEnv+"=1")
	var childErr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &childErr, &childErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(45 * time.Second)
	for stored() < 8 {
		select {
		case err := <-exited:
			t.Fatalf("the first run ended before it was killed (%v):\n%s", err, childErr.String())
		case <-time.After(20 * time.Millisecond): // the child works in real time
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("fewer than 8 statements after 45 s:\n%s", childErr.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited
	atKill := stored()
	if atKill >= len(persons)-5 {
		t.Fatalf("%d of %d statements were stored before the kill: nothing left to resume", atKill, len(persons))
	}
	job := "statements-2025-all"
	items, err := st.WorkItems(t.Context(), job)
	if err != nil {
		t.Fatal(err)
	}
	held := map[int]bool{}
	for _, it := range items {
		if !it.Done && it.Owner != "" {
			held[it.Seq] = true
		}
	}
	if len(held) == 0 {
		t.Fatalf("no item was held by the killed process: %+v", items)
	}

	// The same command again (in this process): it takes the dead
	// process's items over once their 1 s leases end.
	code, out, errOut := sihub(t, args...)
	m := summaryLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("second run (exit %d) printed %q\n%s", code, out, errOut)
	}
	issued, _ := strconv.Atoi(m[1])
	already, _ := strconv.Atoi(m[2])
	failed, _ := strconv.Atoi(m[3])
	sk := skippedField.FindStringSubmatch(out)
	if sk == nil {
		t.Fatalf("no skipped= in the job line: %q", out)
	}
	skipped, _ := strconv.Atoi(sk[1])
	if issued+already+failed+skipped != len(persons) {
		t.Errorf("issued %d + already %d + failed %d + skipped %d != %d persons", issued, already, failed, skipped, len(persons))
	}
	if wantCode := map[bool]int{true: exitInvalid, false: exitOK}[failed > 0]; code != wantCode {
		t.Errorf("exit %d with %d failures, want %d", code, failed, wantCode)
	}

	// Every person has one statement of 2025, except those without a
	// paid pension month up to 2025, who are skipped (not insured then).
	var noPension []string
	for _, id := range persons {
		docs, err := st.DocumentsBySubject(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, d := range docs {
			if d.Kind == signer.KindRightsRecord && d.Params["year"] == "2025" {
				n++
			}
		}
		cs, err := st.ContributionsOfType(t.Context(), id, model.InsPensionEnterprise, "1900-01", "2025-12")
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, c := range cs {
			if c.Paid {
				want = 1
				break
			}
		}
		if want == 0 {
			noPension = append(noPension, model.MaskID(id))
			if strings.Contains(errOut, "batch: failed "+model.MaskID(id)+": ") {
				t.Errorf("%s has no paid pension month up to 2025 and is listed as failed:\n%s", model.MaskID(id), errOut)
			}
		}
		if n != want {
			t.Errorf("%s has %d statements of 2025, want %d", model.MaskID(id), n, want)
		}
	}
	if skipped != len(noPension) || failed != 0 {
		t.Errorf("skipped=%d failed=%d, but %d persons have no pension month to state (%v) and none should fail", skipped, failed, len(noPension), noPension)
	}
	if strings.Contains(errOut, persons[0]) {
		t.Errorf("stderr shows an unmasked ID:\n%s", errOut)
	}

	// The items the dead process held were taken over.
	items, err = st.WorkItems(t.Context(), job)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if !it.Done {
			t.Errorf("item %d is not done: %+v", it.Seq, it)
		}
		if held[it.Seq] && it.Attempts < 2 {
			t.Errorf("item %d, held by the killed process, was not claimed again: %+v", it.Seq, it)
		}
	}
	j, err := st.Job(t.Context(), job)
	if err != nil || j.Status != model.JobFinished || j.Issued != issued || j.Already != already || j.Failed != failed || j.Skipped != skipped {
		t.Errorf("job record %+v (%v), want finished with the summary's counts", j, err)
	}

	// A statement of the resumed job verifies.
	d, err := st.DocumentByIdempotencyKey(t.Context(), app.StatementKey(2025, persons[len(persons)-1]))
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := st.DocumentPDF(t.Context(), d.Code)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "statement.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, r := verifyJSON(t, file); code != 0 || !r.Valid || r.Document.Code != d.Code {
		t.Errorf("verify of %s: exit %d, report %+v", d.Code, code, r)
	}
	t.Logf("%d stored before the kill; second run: %s", atKill, strings.TrimSpace(out))
}

func TestBatchUsage(t *testing.T) {
	for _, args := range [][]string{{"batch"}, {"batch", "units"}, {"batch", "statements", "extra"}, {"batch", "statements", "--nice", "30"}} {
		if code, _, errOut := sihub(t, args...); code != exitError || !strings.Contains(errOut, "usage: sihub batch statements") {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut)
		}
	}
}
