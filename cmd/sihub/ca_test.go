package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/app"
	"sihub/certs/ocsp"
	"sihub/internal/clifile"
	"sihub/model"
)

// newInstanceBefore makes an instance in a fresh data directory whose PKI
// was created an hour ago: certificates start on whole seconds, so a
// rotation made now is told apart from the CA it replaces without the test
// waiting for the clock.
func newInstanceBefore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("SIHUB_DATA", filepath.Join(dir, "data"))
	t.Setenv("SIHUB_KEY_PASSPHRASE", "")
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Now = func() time.Time { return time.Now().Add(-time.Hour) }
	a, err := app.Open(context.Background(), cfg, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

var (
	rotatedLine = regexp.MustCompile(`^serial=([0-9a-f]+) alg=(\w+) previous=([0-9a-f]+) key=(\S+) backend=(\S+)\n$`)
	createdLine = regexp.MustCompile(`^serial=([0-9a-f]+) role=(\w+) alg=(\w+) key=(\S+) backend=(\S+) not_after=\d{4}-\d\d-\d\d\n$`)
)

// issueAndVerify issues the demo certificate sealed with algs and checks
// it verifies valid.
func issueAndVerify(t *testing.T, algs, out string) {
	t.Helper()
	if code, _, stderr := sihub(t, "issue", "--subject", app.DemoPersonID, "--alg", algs, "--out", out); code != 0 {
		t.Fatalf("issue --alg %s: %s", algs, stderr)
	}
	if code, r := verifyJSON(t, out); code != 0 || !r.Valid {
		t.Fatalf("verify %s: exit %d, %+v", filepath.Base(out), code, r)
	}
}

// currentIssuing returns the serial that ca list marks as the current
// issuing CA of alg.
func currentIssuing(t *testing.T, alg string) string {
	t.Helper()
	code, out, stderr := sihub(t, "ca", "list", "--role", "issuing")
	if code != 0 {
		t.Fatalf("ca list: %s", stderr)
	}
	serial := ""
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && f[2] == alg && f[4] == "current" {
			if serial != "" {
				t.Fatalf("two current %s issuing CAs:\n%s", alg, out)
			}
			serial = f[0]
		}
	}
	if serial == "" {
		t.Fatalf("no current %s issuing CA:\n%s", alg, out)
	}
	return serial
}

// sealIssuers returns, per algorithm, the issuing CA serials of the seal
// certificates of the active seals.
func sealIssuers(t *testing.T) map[string][]string {
	t.Helper()
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	v, err := app.OpenVerification(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	seals, err := v.Store.ListSeals(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, s := range seals {
		c, err := v.Store.Certificate(context.Background(), s.CertSerial)
		if err != nil {
			t.Fatal(err)
		}
		out[s.Alg] = append(out[s.Alg], c.IssuerSerial)
	}
	return out
}

func auditEntries(t *testing.T, action string) []model.AuditEntry {
	t.Helper()
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	v, err := app.OpenVerification(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	es, err := v.Store.AuditEntries(context.Background(), time.Time{}, action, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestCARotateCLI: after ca rotate, the next start seals under the new
// issuing CA, and a document sealed before the rotation still verifies.
func TestCARotateCLI(t *testing.T) {
	dir := newInstanceBefore(t)
	before := filepath.Join(dir, "before.pdf")
	issueAndVerify(t, "sm2,p256", before)
	oldSM2, oldP256 := currentIssuing(t, "sm2"), currentIssuing(t, "p256")

	code, out, stderr := sihub(t, "ca", "rotate", "--alg", "sm2", "--as", "ca-admin-1")
	m := rotatedLine.FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("ca rotate: exit %d\n%s%s", code, out, stderr)
	}
	newSM2 := m[1]
	if m[3] != oldSM2 || newSM2 == oldSM2 || m[5] != "instance" {
		t.Fatalf("ca rotate printed %q; the current SM2 issuing CA was %s", out, oldSM2)
	}
	if got := currentIssuing(t, "sm2"); got != newSM2 {
		t.Fatalf("ca list marks %s current, want the rotated %s", got, newSM2)
	}
	if got := currentIssuing(t, "p256"); got != oldP256 {
		t.Fatalf("rotating SM2 changed the current P-256 issuing CA to %s", got)
	}

	// The next start makes an SM2 seal under the new CA and seals with it.
	after := filepath.Join(dir, "after.pdf")
	issueAndVerify(t, "sm2,p256", after)
	issuers := sealIssuers(t)
	if !containsAll(issuers["sm2"], oldSM2, newSM2) || len(issuers["p256"]) != 1 {
		t.Fatalf("seal certificates' issuers after rotation: %v", issuers)
	}
	// Sealed before the rotation, checked after it and a restart: valid.
	if code, r := verifyJSON(t, before); code != 0 || !r.Valid || !r.Signatures[0].ChainTrusted {
		t.Fatalf("the document sealed before the rotation: exit %d, %+v", code, r)
	}

	// The OCSP responder still answers for the retired CA's seal.
	ocspGoodUnderRetired(t, oldSM2)

	es := auditEntries(t, "ca.rotate")
	if len(es) != 1 || es[0].Actor != "ca-admin-1" || es[0].Object != newSM2 || es[0].Outcome != "ok" ||
		!strings.Contains(es[0].Detail, "previous="+oldSM2) {
		t.Fatalf("ca.rotate audit entries %+v", es)
	}

	// Too soon after itself: refused, nothing changes, the failure audited.
	if code, _, stderr := sihub(t, "ca", "rotate", "--alg", "sm2"); code != 2 || !strings.Contains(stderr, "rotate after that second") {
		// The clock may have crossed a second boundary since the rotation;
		// then this rotation is legitimate and becomes current.
		if code != 0 {
			t.Fatalf("second rotation: exit %d %s", code, stderr)
		}
	}
	if es := auditEntries(t, "ca.rotate"); len(es) != 2 || es[1].Actor != "cli" {
		t.Fatalf("ca.rotate audit entries after a second attempt: %+v", es)
	}
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

func TestCACreateCLI(t *testing.T) {
	newInstanceBefore(t)
	code, out, stderr := sihub(t, "ca", "create", "--alg", "p256", "--role", "root", "--label", "示范根CA 2026", "--years", "25", "--as", "ca-admin-2")
	root := createdLine.FindStringSubmatch(out)
	if code != 0 || root == nil || root[2] != "root" || root[3] != "p256" || root[5] != "instance" {
		t.Fatalf("ca create root: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = sihub(t, "ca", "create", "--alg", "p256", "--role", "issuing", "--parent", root[1])
	iss := createdLine.FindStringSubmatch(out)
	if code != 0 || iss == nil || iss[2] != "issuing" {
		t.Fatalf("ca create issuing: exit %d\n%s%s", code, out, stderr)
	}
	_, list, _ := sihub(t, "ca", "list", "--role", "root")
	if !strings.Contains(list, "示范根CA 2026") || strings.Count(list, "\n") != 4 {
		t.Fatalf("ca list --role root after creating a second P-256 root:\n%s", list)
	}
	// The current root stays the oldest; the new root is a trust anchor of
	// its own hierarchy, not the instance's current one.
	for _, line := range strings.Split(list, "\n") {
		if strings.HasPrefix(line, root[1]) && strings.Contains(line, "current") {
			t.Fatalf("a root created later became current:\n%s", list)
		}
	}

	for name, args := range map[string][]string{
		"issuing under an issuing CA": {"--alg", "p256", "--role", "issuing", "--parent", iss[1]},
		"parent of another algorithm": {"--alg", "sm2", "--role", "issuing", "--parent", root[1]},
		"unknown algorithm":           {"--alg", "rsa", "--role", "root"},
		"seal role":                   {"--alg", "sm2", "--role", "seal"},
		"a PIN in the URI":            {"--alg", "p256", "--role", "issuing", "--hsm", "pkcs11:token=x;pin-value=S3cret-99?module-path=/nonexistent.so"},
	} {
		code, out, stderr := sihub(t, append([]string{"ca", "create"}, args...)...)
		if code != 2 || out != "" {
			t.Errorf("%s: exit %d, output %q", name, code, out)
		}
		if strings.Contains(stderr, "S3cret-99") {
			t.Errorf("%s: the PIN reached the output: %s", name, stderr)
		}
	}
	es := auditEntries(t, "ca.create")
	if len(es) != 5 || es[0].Actor != "ca-admin-2" || es[0].Object != root[1] || es[1].Object != iss[1] {
		t.Fatalf("ca.create audit entries: %+v", es)
	}
	for _, e := range es[2:] {
		if e.Outcome != "failed" || strings.Contains(e.Detail, "S3cret-99") {
			t.Fatalf("refused ca create audited as %+v", e)
		}
	}
}

// ocspGoodUnderRetired asks the instance's OCSP responder about the SM2
// seal certificate the retired issuing CA issued and expects "good",
// signed for that CA.
func ocspGoodUnderRetired(t *testing.T, retired string) {
	t.Helper()
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	issRec, err := a.Store.Certificate(ctx, retired)
	if err != nil {
		t.Fatal(err)
	}
	iss, _ := smx509.ParseCertificate(issRec.DER)
	seals, err := a.Store.ListSeals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var leaf *smx509.Certificate
	for _, s := range seals {
		if rec, err := a.Store.Certificate(ctx, s.CertSerial); err == nil && rec.IssuerSerial == retired {
			leaf, _ = smx509.ParseCertificate(rec.DER)
		}
	}
	if leaf == nil {
		t.Fatal("no seal certificate under the retired CA")
	}
	req, err := ocsp.CreateRequest(leaf, iss, ocsp.SHA1, []byte("nonce-0001"))
	if err != nil {
		t.Fatal(err)
	}
	der, res := a.PKIServices.OCSP.Get().Respond(ctx, req)
	if res.Status != ocsp.Successful {
		t.Fatalf("OCSP for a seal of the retired CA: status %v", res.Status)
	}
	resp, err := ocsp.ParseResponse(der, iss)
	if err != nil || len(resp.Responses) != 1 || resp.Responses[0].Status.State != ocsp.Good {
		t.Fatalf("OCSP response %+v: %v", resp, err)
	}
}

// TestCAListPEM: `ca list --role root --pem` prints the roots as PEM that
// `sihub verify --trust` (and sihub-verify) take as trust anchors.
func TestCAListPEM(t *testing.T) {
	dir := newInstanceBefore(t)
	code, out, stderr := sihub(t, "ca", "list", "--role", "root", "--pem")
	if code != 0 {
		t.Fatalf("ca list --pem: exit %d\n%s", code, stderr)
	}
	roots := filepath.Join(dir, "roots.pem")
	if err := os.WriteFile(roots, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	certs, err := clifile.LoadPEMCertificates([]string{roots})
	if err != nil || len(certs) != 2 {
		t.Fatalf("ca list --pem printed %d certificates, %v:\n%s", len(certs), err, out)
	}
	for _, c := range certs {
		if !c.IsCA || string(c.RawIssuer) != string(c.RawSubject) {
			t.Errorf("%s is not a root", c.Subject)
		}
	}
}
