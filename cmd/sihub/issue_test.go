package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sihub/app"
	"sihub/internal/testutil"
)

// TestIssueEveryKindCLI issues each kind with the inputs it needs through
// sihub issue, verifies the file with sihub verify and reads its title
// back with pdftotext.
func TestIssueEveryKindCLI(t *testing.T) {
	testutil.NeedTool(t, "pdftotext")
	dir := t.TempDir()
	t.Setenv("SIHUB_DATA", filepath.Join(dir, "data"))
	t.Setenv("SIHUB_KEY_PASSPHRASE", "")
	line := regexp.MustCompile(`^number=([A-Z]{4})-\d{4}-\d{8} code=([0-9A-Z]{18}) file=`)
	for _, tc := range []struct {
		name   string
		args   []string
		prefix string
		title  string
	}{
		{"insurance-certificate", []string{"--subject", app.DemoPersonID, "--lang", "zh,en"}, "CBZM", "Social Insurance Certificate (Individual)"},
		{"unit-insurance-certificate", []string{"--unit", app.DemoUnitCode}, "DWCB", "社会保险单位参保证明"},
		{"receipt", []string{"--application", app.DemoApplicationReceived}, "SLTZ", "社会保险业务受理通知单"},
		{"result-notice", []string{"--application", app.DemoApplicationRefused}, "JGGZ", "社会保险业务结果告知单"},
		{"transfer-voucher", []string{"--subject", app.DemoPersonID, "--lang", "en"}, "ZYPZ", "Basic Pension Insurance Contribution Voucher"},
		{"rights-record", []string{"--subject", app.DemoPersonID}, "QYJL", "社会保险个人权益记录单"},
		{"benefit-details", []string{"--subject", app.DemoRetireeID}, "DYMX", "社会保险待遇享受明细"},
		{"overseas-exemption", []string{"--subject", app.DemoPersonID, "--country", "DE", "--lang", "zh,en"}, "JWMJ", "德国 Germany"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, tc.name+".pdf")
			code, stdout, stderr := sihub(t, append([]string{"issue", "--kind", tc.name, "--out", out}, tc.args...)...)
			if code != 0 {
				t.Fatalf("issue exit %d: %s", code, stderr)
			}
			m := line.FindStringSubmatch(stdout)
			if m == nil || m[1] != tc.prefix {
				t.Fatalf("issue printed %q, want a %s number", stdout, tc.prefix)
			}
			code, r := verifyJSON(t, out)
			if code != 0 || !r.Valid || r.Document.Code != m[2] {
				t.Fatalf("verify exit %d, report %+v", code, r)
			}
			txt, err := testutil.Run(t, "pdftotext", out, "-")
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			if !strings.Contains(txt, tc.title) {
				t.Errorf("text lacks %q:\n%s", tc.title, txt)
			}
		})
	}
	for name, args := range map[string][]string{
		"exemption without country": {"--kind", "overseas-exemption", "--subject", app.DemoPersonID},
		"receipt in English":        {"--kind", "receipt", "--application", app.DemoApplicationReceived, "--lang", "en"},
		"two subjects":              {"--kind", "unit-insurance-certificate", "--unit", app.DemoUnitCode, "--subject", app.DemoPersonID},
		"no subject":                {"--kind", "transfer-voucher"},
	} {
		if code, _, _ := sihub(t, append([]string{"issue", "--out", filepath.Join(dir, "x.pdf")}, args...)...); code != exitError {
			t.Errorf("%s: exit %d, want %d", name, code, exitError)
		}
	}
}
