package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sihub/app"
	"sihub/internal/testutil"
)

// sihub runs the command in process and returns its exit code and output.
func sihub(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

var issuedLine = regexp.MustCompile(`^number=(CBZM-\d{4}-\d{8}) code=([0-9A-Z]{18}) file=`)

type report struct {
	Valid      bool `json:"valid"`
	Signatures []struct {
		Algorithm            string `json:"algorithm"`
		CoversWholeDocument  bool   `json:"covers_whole_document"`
		ChainTrusted         bool   `json:"chain_trusted"`
		ModifiedAfterSigning bool   `json:"modified_after_signing"`
		Level                string `json:"level"`
		Revocation           string `json:"revocation"`
		Errors               []struct {
			Code string `json:"code"`
		} `json:"errors"`
	} `json:"signatures"`
	Document struct {
		Code           string `json:"code"`
		RegistryStatus string `json:"registry_status"`
	} `json:"document"`
	Errors []struct {
		Code string `json:"code"`
	} `json:"errors"`
}

func verifyJSON(t *testing.T, file string) (int, report) {
	t.Helper()
	code, out, errOut := sihub(t, "verify", "--json", file)
	var r report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("verify --json printed no report (exit %d): %v\n%s\n%s", code, err, out, errOut)
	}
	return code, r
}

// TestIssueVerifyCLI is the command-line slice of the contract: issue from
// the stored demo data, verify the result, and see tampering rejected.
func TestIssueVerifyCLI(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SIHUB_DATA", filepath.Join(dir, "data"))
	t.Setenv("SIHUB_KEY_PASSPHRASE", "")

	for _, alg := range []string{"sm2", "p256", "sm2,p256"} {
		t.Run(strings.ReplaceAll(alg, ",", "+"), func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(alg, ",", "-")+".pdf")
			code, stdout, stderr := sihub(t, "issue", "--kind", "insurance-certificate", "--subject", app.DemoPersonID, "--alg", alg, "--out", out)
			if code != 0 {
				t.Fatalf("issue exit %d: %s", code, stderr)
			}
			m := issuedLine.FindStringSubmatch(stdout)
			if m == nil {
				t.Fatalf("issue printed %q", stdout)
			}
			code, r := verifyJSON(t, out)
			if code != 0 || !r.Valid {
				t.Fatalf("verify exit %d, report %+v", code, r)
			}
			if want := len(strings.Split(alg, ",")); len(r.Signatures) != want {
				t.Fatalf("%d signatures, want %d", len(r.Signatures), want)
			}
			// A certificate is B-LT: the last seal covers everything but
			// the DSS revision appended after it, which is an allowed change.
			last := r.Signatures[len(r.Signatures)-1]
			if last.CoversWholeDocument || !last.ChainTrusted || last.ModifiedAfterSigning ||
				last.Level != "B-LT" || last.Revocation != "good" {
				t.Errorf("last signature %+v", last)
			}
			if r.Document.Code != m[2] || r.Document.RegistryStatus != "valid" {
				t.Errorf("document %+v, want code %s registered valid", r.Document, m[2])
			}

			// One flipped byte inside the signed range: not valid, exit 1.
			pdf, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			bad := bytes.Clone(pdf)
			i := bytes.Index(bad, []byte("/MediaBox"))
			bad[i+2] ^= 0x01
			badFile := filepath.Join(dir, "flipped.pdf")
			os.WriteFile(badFile, bad, 0o600)
			if code, r := verifyJSON(t, badFile); code != 1 || r.Valid {
				t.Errorf("flipped byte: exit %d valid %v", code, r.Valid)
			}
			// Bytes appended after signing: not valid.
			appended := filepath.Join(dir, "appended.pdf")
			os.WriteFile(appended, append(bytes.Clone(pdf), "\n% appended\n"...), 0o600)
			if code, r := verifyJSON(t, appended); code != 1 || r.Valid {
				t.Errorf("appended bytes: exit %d valid %v", code, r.Valid)
			}
		})
	}

	// Every verification with a registry at hand is in the audit trail.
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	v, err := app.OpenVerification(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := v.Store.AuditEntries(context.Background(), time.Time{}, "document.verify", "", 100)
	v.Close()
	if err != nil || len(entries) != 9 {
		t.Fatalf("%d document.verify audit entries for 9 verifications (%v)", len(entries), err)
	}

	if code, _, _ := sihub(t, "verify", filepath.Join(dir, "missing.pdf")); code != 2 {
		t.Errorf("verify of a missing file: exit %d, want 2", code)
	}
	if code, _, _ := sihub(t, "issue", "--subject", "110105199003071238", "--out", filepath.Join(dir, "x.pdf")); code != 2 {
		t.Errorf("issue with a bad check digit: exit %d, want 2", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.pdf")); !os.IsNotExist(err) {
		t.Errorf("failed issue left a file behind: %v", err)
	}
}

// TestQRRoundTrip decodes the QR code from a rendering of the PDF with
// zbarimg and checks the token offline with verify-qr.
func TestQRRoundTrip(t *testing.T) {
	pdftoppm := testutil.NeedTool(t, "pdftoppm")
	zbarimg := testutil.NeedTool(t, "zbarimg")
	dir := t.TempDir()
	t.Setenv("SIHUB_DATA", filepath.Join(dir, "data"))
	out := filepath.Join(dir, "c.pdf")
	if code, _, stderr := sihub(t, "issue", "--subject", app.DemoPersonID, "--out", out); code != 0 {
		t.Fatalf("issue: %s", stderr)
	}
	// The demo person's certificate — 24 months, notes and seal — is one
	// A4 page whose text extracts completely.
	pdftotext := testutil.NeedTool(t, "pdftotext")
	txt, err := exec.Command(pdftotext, "-layout", out, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	for _, want := range []string{"社会保险个人参保证明", app.DemoPersonName, app.DemoPersonID, "第 1 页，共 1 页", "业务专用章", "凭此校验码，全国可上网确认真伪"} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("certificate text lacks %q", want)
		}
	}
	png := filepath.Join(dir, "page")
	if b, err := exec.Command(pdftoppm, "-r", "150", "-png", "-singlefile", out, png).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, b)
	}
	text, err := exec.Command(zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png+".png").Output()
	if err != nil {
		t.Fatalf("zbarimg found no QR code: %v", err)
	}
	link := strings.TrimSpace(string(text))
	if !strings.HasPrefix(link, "http://127.0.0.1:8080/v/") || !strings.Contains(link, "?t=") {
		t.Fatalf("QR holds %q", link)
	}
	code, stdout, stderr := sihub(t, "verify-qr", link)
	if code != 0 {
		t.Fatalf("verify-qr exit %d: %s %s", code, stdout, stderr)
	}
	var res app.QRResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || !res.Valid || res.Claims.HolderID != "110105********1239" {
		t.Fatalf("verify-qr result %+v %v", res, err)
	}
	// A token from the link with its code swapped for another is rejected.
	forged := strings.Replace(link, "/v/"+res.Claims.Code, "/v/"+strings.Repeat("2", 17)+"X", 1)
	if code, _, _ := sihub(t, "verify-qr", forged); code != 1 {
		t.Errorf("verify-qr accepted a link whose code differs from its token (exit %d)", code)
	}
}

func TestReissueAndWithdrawCLI(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SIHUB_DATA", filepath.Join(dir, "data"))
	first := filepath.Join(dir, "first.pdf")
	code, stdout, stderr := sihub(t, "issue", "--subject", app.DemoPersonID, "--out", first)
	if code != 0 {
		t.Fatalf("issue: %s", stderr)
	}
	oldCode := issuedLine.FindStringSubmatch(stdout)[2]
	second := filepath.Join(dir, "second.pdf")
	if code, _, stderr := sihub(t, "reissue", "--code", strings.ToLower(oldCode), "--out", second); code != 0 {
		t.Fatalf("reissue: %s", stderr)
	}
	if code, r := verifyJSON(t, first); code != 1 || r.Document.RegistryStatus != "superseded" {
		t.Errorf("old document after reissue: exit %d, registry %q", code, r.Document.RegistryStatus)
	}
	code, r := verifyJSON(t, second)
	if code != 0 {
		t.Fatalf("new document: exit %d", code)
	}
	if code, _, _ := sihub(t, "withdraw", "--code", r.Document.Code); code != 2 {
		t.Errorf("withdraw without a reason: exit %d, want 2", code)
	}
	if code, _, stderr := sihub(t, "withdraw", "--code", r.Document.Code, "--reason", "信息有误"); code != 0 {
		t.Fatalf("withdraw: %s", stderr)
	}
	if code, r := verifyJSON(t, second); code != 1 || r.Document.RegistryStatus != "withdrawn" {
		t.Errorf("withdrawn document: exit %d, registry %q", code, r.Document.RegistryStatus)
	}
}

func TestBackupRestores(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SIHUB_DATA", filepath.Join(dir, "data"))
	first := filepath.Join(dir, "c.pdf")
	if code, _, stderr := sihub(t, "issue", "--subject", app.DemoPersonID, "--out", first); code != 0 {
		t.Fatalf("issue: %s", stderr)
	}
	copyFile := filepath.Join(dir, "backup.db")
	if code, _, stderr := sihub(t, "backup", "--out", copyFile); code != 0 {
		t.Fatalf("backup: %s", stderr)
	}
	if code, _, _ := sihub(t, "backup", "--out", copyFile); code != 2 {
		t.Errorf("backup over an existing file: exit %d, want 2", code)
	}
	// Restore into a new data directory: the document verifies against the
	// restored registry and trust anchors, and the restored keys still seal.
	restored := filepath.Join(dir, "restored")
	if err := os.MkdirAll(restored, 0o700); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(copyFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, "sihub.db"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SIHUB_DATA", restored)
	if code, r := verifyJSON(t, first); code != 0 || r.Document.RegistryStatus != "valid" {
		t.Fatalf("verify against the restored store: exit %d, %+v", code, r.Document)
	}
	if code, _, stderr := sihub(t, "issue", "--subject", app.DemoPersonID, "--out", filepath.Join(dir, "again.pdf")); code != 0 {
		t.Fatalf("issue from the restored store: %s", stderr)
	}
}

func TestCAAndSealLists(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SIHUB_DATA", filepath.Join(dir, "data"))
	if code, _, _ := sihub(t, "ca", "list"); code != 2 {
		t.Errorf("ca list without an instance: exit %d, want 2", code)
	}
	if code, _, stderr := sihub(t, "issue", "--subject", app.DemoPersonID, "--out", filepath.Join(dir, "c.pdf")); code != 0 {
		t.Fatalf("issue: %s", stderr)
	}
	code, out, stderr := sihub(t, "ca", "list", "--role", "root")
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, "sm2") || !strings.Contains(out, "p256") {
		t.Fatalf("ca list --role root: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = sihub(t, "seal", "list")
	if code != 0 || strings.Count(out, "业务专用章") != 2 || strings.Count(out, "active") != 2 {
		t.Fatalf("seal list: exit %d\n%s", code, out)
	}
}
