package main

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms/cmstest"
	"sihub/certs/pathval"
	"sihub/internal/testutil"
)

func writeCertPEM(t *testing.T, dir, name string, certs ...*smx509.Certificate) string {
	t.Helper()
	var b []byte
	for _, c := range certs {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return testutil.WriteFile(t, dir, name, b)
}

// TestX509VerifyCLI drives `sihub x509 verify` over SM2 and P-256 chains:
// a valid path prints its subjects and exits 0, rejected paths print the
// reason and exit 1, unusable input exits 2.
func TestX509VerifyCLI(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, alg := range []string{"sm2", "p256"} {
		t.Run(alg, func(t *testing.T) {
			p, err := cmstest.New(alg, now)
			if err != nil {
				t.Fatal(err)
			}
			other, err := cmstest.New(alg, now)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			roots := writeCertPEM(t, dir, "roots.pem", p.Root)
			otherRoots := writeCertPEM(t, dir, "other.pem", other.Root)
			inter := writeCertPEM(t, dir, "inter.pem", p.Intermediate)
			leaf := writeCertPEM(t, dir, "leaf.pem", p.Leaf)
			at := now.Format(time.RFC3339)
			base := []string{"x509", "verify", "--roots", roots, "--leaf", leaf, "--intermediates", inter, "--time", at}

			code, out, errOut := sihub(t, base...)
			if code != exitOK {
				t.Fatalf("valid chain: exit %d\n%s%s", code, out, errOut)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 4 || lines[0] != "valid" ||
				!strings.Contains(lines[1], p.Leaf.Subject.CommonName) ||
				!strings.Contains(lines[2], p.Intermediate.Subject.CommonName) ||
				!strings.Contains(lines[3], p.Root.Subject.CommonName) {
				t.Fatalf("valid chain printed %q", out)
			}

			invalid := []struct {
				name string
				args []string
				code string
			}{
				// The other root has the same name but another key.
				{"other root", []string{"x509", "verify", "--roots", otherRoots, "--leaf", leaf, "--intermediates", inter, "--time", at}, "signature"},
				{"no intermediate", []string{"x509", "verify", "--roots", roots, "--leaf", leaf, "--time", at}, "no_path"},
				{"expired", []string{"x509", "verify", "--roots", roots, "--leaf", leaf, "--intermediates", inter, "--time", now.AddDate(3, 0, 0).Format(time.RFC3339)}, "expired"},
				{"peer name", append(append([]string{}, base...), "--peer-name", "seal.example.org"), "peer_name"},
				{"max depth", append(append([]string{}, base...), "--max-depth", "1"), "too_deep"},
			}
			for _, tc := range invalid {
				code, out, errOut := sihub(t, tc.args...)
				if code != exitInvalid || !strings.HasPrefix(out, "invalid: "+tc.code+":") {
					t.Errorf("%s: exit %d, output %q %q; want exit 1 with reason %s", tc.name, code, out, errOut, tc.code)
				}
			}
			if code, out, _ := sihub(t, append(append([]string{}, base...), "--max-depth", "2", "--eku", "2.5.29.37.0")...); code != exitOK {
				t.Errorf("max depth 2 with anyExtendedKeyUsage: exit %d %q", code, out)
			}

			usage := [][]string{
				{"x509"},
				{"x509", "verify", "--leaf", leaf},
				{"x509", "verify", "--roots", roots, "--leaf", filepath.Join(dir, "missing.pem")},
				{"x509", "verify", "--roots", roots, "--leaf", leaf, "--time", "yesterday"},
				{"x509", "verify", "--roots", roots, "--leaf", leaf, "--eku", "server-auth"},
				{"x509", "verify", "--roots", testutil.WriteFile(t, dir, "junk.pem", []byte("not a certificate")), "--leaf", leaf},
			}
			for _, args := range usage {
				if code, out, _ := sihub(t, args...); code != exitError {
					t.Errorf("%v: exit %d %q, want 2", args, code, out)
				}
			}
		})
	}
}

// TestX509VerifyInheritedDSA: a PKITS path whose DSA CA and leaf inherit
// their key parameters loads (exit 1 with the validator's reason, not 2):
// the command does not accept DSA keys.
func TestX509VerifyInheritedDSA(t *testing.T) {
	dir := testutil.Corpora(t, "x509", "pkits", "certs")
	load := func(name string) *smx509.Certificate {
		t.Helper()
		der, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		c, err := pathval.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tmp := t.TempDir()
	roots := writeCertPEM(t, tmp, "roots.pem", load("TrustAnchorRootCertificate.crt"))
	inter := writeCertPEM(t, tmp, "inter.pem", load("DSACACert.crt"), load("DSAParametersInheritedCACert.crt"))
	leaf := writeCertPEM(t, tmp, "leaf.pem", load("ValidDSAParameterInheritanceTest5EE.crt"))
	code, out, errOut := sihub(t, "x509", "verify", "--roots", roots, "--intermediates", inter, "--leaf", leaf, "--time", "2025-06-01T00:00:00Z")
	if code != exitInvalid || !strings.HasPrefix(out, "invalid: ") || !strings.Contains(out, "DSA keys are not accepted") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}
