package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"sihub/app"
	"sihub/internal/testutil"
	"sihub/model"
	"sihub/signer"
)

// instance opens an instance in a temporary directory, issues a
// certificate with each algorithm and writes the instance's roots as PEM.
func instance(t *testing.T) (roots string, pdfs map[string]string) {
	t.Helper()
	dir := t.TempDir()
	cfg := app.Defaults()
	cfg.DataDir = filepath.Join(dir, "data")
	a, err := app.Open(context.Background(), cfg, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	pdfs = map[string]string{}
	for _, alg := range []string{"sm2", "p256"} {
		iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: app.DemoPersonID, Algorithms: []string{alg}})
		if err != nil {
			t.Fatal(err)
		}
		pdfs[alg] = testutil.WriteFile(t, dir, alg+".pdf", iss.PDF)
	}
	rs, err := a.Store.ListCertificates(ctx, model.RoleRoot)
	if err != nil || len(rs) != 2 {
		t.Fatalf("roots %d, %v", len(rs), err)
	}
	var b bytes.Buffer
	for _, r := range rs {
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: r.DER})
	}
	return testutil.WriteFile(t, dir, "roots.pem", b.Bytes()), pdfs
}

// tamper writes a copy of the PDF at path into dir with one byte of the
// signed content changed (/MediaBox becomes /MmdiaBox) and returns its path.
func tamper(t *testing.T, path, dir string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte("/MediaBox"))
	if i < 0 {
		t.Fatal("no /MediaBox in the certificate")
	}
	data[i+1] = 'm'
	return testutil.WriteFile(t, dir, "tampered.pdf", data)
}

func verify(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestOfflineVerification(t *testing.T) {
	roots, pdfs := instance(t)
	for alg, pdf := range pdfs {
		code, out, errOut := verify(t, "--trust", roots, pdf)
		if code != exitOK || !strings.HasPrefix(out, "VALID") || !strings.Contains(out, "level B-LT") {
			t.Fatalf("%s certificate: exit %d\n%s%s", alg, code, out, errOut)
		}
		code, out, _ = verify(t, "--json", "--trust", roots, pdf)
		var rep struct {
			Valid      bool `json:"valid"`
			Signatures []struct {
				ChainTrusted bool   `json:"chain_trusted"`
				Revocation   string `json:"revocation"`
			} `json:"signatures"`
			Document struct {
				RegistryStatus string `json:"registry_status"`
			} `json:"document"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK || !rep.Valid || len(rep.Signatures) != 1 || !rep.Signatures[0].ChainTrusted {
			t.Fatalf("%s --json: exit %d, %v\n%s", alg, code, err, out)
		}
		if rep.Document.RegistryStatus == "valid" {
			t.Errorf("%s: registry status %q from an offline check", alg, rep.Document.RegistryStatus)
		}
	}

	// A byte of the signed content changed: not valid.
	tampered := tamper(t, pdfs["p256"], t.TempDir())
	if code, out, _ := verify(t, "--trust", roots, tampered); code != exitInvalid || !strings.HasPrefix(out, "NOT VALID") {
		t.Fatalf("tampered certificate: exit %d\n%s", code, out)
	}

	// Another root only: the chain is not trusted.
	other := testutil.WriteFile(t, t.TempDir(), "other.pem", selfSigned(t))
	if code, out, _ := verify(t, "--json", "--trust", other, pdfs["p256"]); code != exitInvalid || !strings.Contains(out, `"chain_trusted": false`) {
		t.Fatalf("untrusted root: exit %d\n%s", code, out)
	}

	// Usage errors: no trust anchors, no file, a trust file without a
	// certificate, a missing file.
	notPEM := testutil.WriteFile(t, t.TempDir(), "x.pem", []byte("not a certificate"))
	for _, args := range [][]string{
		{pdfs["p256"]},
		{"--trust", roots},
		{"--trust", notPEM, pdfs["p256"]},
		{"--trust", roots, filepath.Join(t.TempDir(), "missing.pdf")},
	} {
		if code, _, errOut := verify(t, args...); code != exitError || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, errOut)
		}
	}
}

// TestManyFiles: several files in one run, each with its report, a
// summary, one JSON line per file with --json, and the worst status.
func TestManyFiles(t *testing.T) {
	roots, pdfs := instance(t)
	dir := t.TempDir()
	tampered := tamper(t, pdfs["sm2"], dir)
	missing := filepath.Join(dir, "missing.pdf")

	code, out, _ := verify(t, "--trust", roots, pdfs["sm2"], pdfs["p256"])
	if code != exitOK || strings.Count(out, "\nVALID") != 2 || !strings.HasSuffix(out, "2 files: 2 valid, 0 not valid, 0 could not be checked\n") {
		t.Fatalf("two valid files: exit %d\n%s", code, out)
	}
	code, out, _ = verify(t, "--trust", roots, pdfs["p256"], tampered)
	if code != exitInvalid || !strings.Contains(out, "== "+tampered+"\nNOT VALID") || !strings.HasSuffix(out, "1 valid, 1 not valid, 0 could not be checked\n") {
		t.Fatalf("valid and tampered: exit %d\n%s", code, out)
	}
	code, out, errOut := verify(t, "--json", "--trust", roots, missing, tampered, pdfs["sm2"])
	if code != exitError || !strings.Contains(errOut, "missing.pdf") {
		t.Fatalf("missing, tampered, valid: exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d JSON lines, want 3:\n%s", len(lines), out)
	}
	want := []struct {
		file  string
		valid bool
		err   bool
	}{{missing, false, true}, {tampered, false, false}, {pdfs["sm2"], true, false}}
	for i, l := range lines {
		var res struct {
			File   string `json:"file"`
			Error  string `json:"error"`
			Report *struct {
				Valid bool `json:"valid"`
			} `json:"report"`
		}
		if err := json.Unmarshal([]byte(l), &res); err != nil {
			t.Fatalf("line %d: %v\n%s", i, err, l)
		}
		w := want[i]
		if res.File != w.file || (res.Error != "") != w.err || (res.Report == nil) != w.err || (res.Report != nil && res.Report.Valid != w.valid) {
			t.Errorf("line %d: %s", i, l)
		}
	}
}

func selfSigned(t *testing.T) []byte {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "another root"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// TestLinksNoServer: the offline verifier's point is a small, fast-starting
// binary; it must not link the store, the portal or their libraries, nor
// an HTTP server or TLS (net/http's package initialisers alone cost a
// millisecond of start-up here), and it builds without cgo (a static binary skips the C start-up, which costs
// more than the verification).
func TestLinksNoServer(t *testing.T) {
	list := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "list", "-deps", ".")
	list.Env = append(os.Environ(), "CGO_ENABLED=0") // as make build builds it
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || !strings.Contains(string(out), "sihub/verifier\n") {
		t.Fatalf("go list -deps printed %d packages, without the verifier", len(deps))
	}
	for _, d := range deps {
		for _, banned := range []string{"sihub/app", "sihub/store", "sihub/portal", "sihub/signer", "modernc.org/sqlite", "go.mongodb.org/", "github.com/prometheus/", "github.com/FerretDB/", "net/http", "crypto/tls"} {
			if d == banned || strings.HasPrefix(d, banned+"/") || (strings.HasSuffix(banned, "/") && strings.HasPrefix(d, banned)) {
				t.Errorf("sihub-verify links %s", d)
			}
		}
		// The issuing side of the PKI and what it alone needs: the
		// verifier reads OCSP responses and seal references through
		// certs/ocsp/ocspparse and certs/seal/sealref.
		switch d {
		case "sihub/certs", "sihub/certs/crl", "sihub/certs/ocsp", "sihub/certs/seal", "encoding/xml", "image/png", "log/slog":
			t.Errorf("sihub-verify links %s", d)
		}
	}
}
