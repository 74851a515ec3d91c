package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sihub/app"
)

var sealLine = regexp.MustCompile(`^seal=(\S+) status=(\S+) `)

// TestSealLifecycleCLI drives the seal lifecycle from the command line:
// a request by one administrator, approval by the other (replacing the
// SM2 development seal), suspension stops sealing, resumption restores it,
// revocation with a reason; usage errors exit 2, refusals 1.
func TestSealLifecycleCLI(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SIHUB_DATA", filepath.Join(dir, "data"))
	for _, args := range [][]string{
		{"seal"}, {"seal", "frobnicate"}, {"seal", "list", "extra"},
		{"seal", "request", "--name", "业务专用章", "--alg", "sm2"},  // no --as
		{"seal", "approve", "--as", app.DemoCAAdmin2},           // no ID
		{"seal", "approve", "--as", app.DemoCAAdmin2, "a", "b"}, // two IDs
		{"seal", "suspend", "--as", app.DemoCAAdmin, "seal-x"},  // no reason
	} {
		if code, _, stderr := sihub(t, args...); code != 2 || !strings.Contains(stderr, "usage: sihub seal") {
			t.Errorf("%q: exit %d, want 2 with the usage\n%s", args, code, stderr)
		}
	}
	// The instance (and its SM2 development seal) comes with the first command.
	if code, _, stderr := sihub(t, "seal", "request", "--as", app.DemoClerk, "--name", "业务专用章", "--alg", "sm2"); code != 1 || !strings.Contains(stderr, "not a CA administrator") {
		t.Fatalf("request by a clerk: exit %d\n%s", code, stderr)
	}
	_, list, _ := sihub(t, "seal", "list")
	var dev string
	for _, l := range strings.Split(list, "\n") {
		if f := strings.Fields(l); len(f) > 3 && f[2] == "sm2" && f[3] == "active" {
			dev = f[0]
		}
	}
	if dev == "" {
		t.Fatalf("no active SM2 seal listed:\n%s", list)
	}

	code, out, stderr := sihub(t, "seal", "request", "--as", app.DemoCAAdmin, "--name", "业务专用章", "--alg", "sm2", "--replaces", dev, "--note", "更换")
	m := sealLine.FindStringSubmatch(out)
	if code != 0 || m == nil || m[2] != "requested" {
		t.Fatalf("request: exit %d\n%s%s", code, out, stderr)
	}
	id := m[1]
	if code, _, stderr := sihub(t, "seal", "approve", "--as", app.DemoCAAdmin, id); code != 1 || !strings.Contains(stderr, "forbidden") {
		t.Fatalf("self-approval: exit %d\n%s", code, stderr)
	}
	code, out, stderr = sihub(t, "seal", "approve", id, "--as", app.DemoCAAdmin2)
	if code != 0 || !strings.Contains(out, "seal="+id+" status=active") || !strings.Contains(out, "key_uri=soft:") {
		t.Fatalf("approval: exit %d\n%s%s", code, out, stderr)
	}
	_, list, _ = sihub(t, "seal", "list")
	if !regexp.MustCompile(`(?m)^`+dev+`\s.*\sreplaced\s`).MatchString(list) || !regexp.MustCompile(`(?m)^`+id+`\s.*\sactive\s.*\s`+app.DemoCAAdmin+`\s+`+app.DemoCAAdmin2+`$`).MatchString(list) {
		t.Fatalf("seal list after approval:\n%s", list)
	}
	issue := func() (int, string) {
		code, _, stderr := sihub(t, "issue", "--subject", app.DemoPersonID, "--alg", "sm2", "--out", filepath.Join(dir, "c.pdf"))
		return code, stderr
	}
	if code, stderr := issue(); code != 0 {
		t.Fatalf("issue with the approved seal: %s", stderr)
	}
	if code, _, stderr := sihub(t, "seal", "suspend", "--as", app.DemoCAAdmin, "--reason", "盖章设备检修", id); code != 0 {
		t.Fatalf("suspend: exit %d\n%s", code, stderr)
	}
	if code, stderr := issue(); code == 0 || !strings.Contains(stderr, id) || !strings.Contains(stderr, "suspended") {
		t.Fatalf("issue with the suspended seal: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := sihub(t, "seal", "resume", "--as", app.DemoCAAdmin2, id); code != 0 {
		t.Fatalf("resume: exit %d\n%s", code, stderr)
	}
	if code, stderr := issue(); code != 0 {
		t.Fatalf("issue after resumption: %s", stderr)
	}
	if code, _, stderr := sihub(t, "seal", "revoke", "--as", app.DemoCAAdmin, "--reason", "stolen", id); code != 1 || !strings.Contains(stderr, "keyCompromise") {
		t.Fatalf("revoke with an unknown reason: exit %d\n%s", code, stderr)
	}
	if code, out, stderr := sihub(t, "seal", "revoke", "--as", app.DemoCAAdmin, "--reason", "keyCompromise", id); code != 0 || !strings.Contains(out, "status=revoked") {
		t.Fatalf("revoke: exit %d\n%s%s", code, out, stderr)
	}
	if code, _, stderr := sihub(t, "seal", "resume", "--as", app.DemoCAAdmin2, id); code != 1 || !strings.Contains(stderr, "revoked") {
		t.Fatalf("resume of a revoked seal: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := sihub(t, "seal", "reject", "--as", app.DemoCAAdmin2, "--reason", "x", "seal-none"); code != 1 {
		t.Fatalf("reject of a missing seal: exit %d\n%s", code, stderr)
	}
}
