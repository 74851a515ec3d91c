package verifier

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needTool finds a command-line tool; it may be missing only outside CI.
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not installed", name)
	}
	return path
}

// TestAgreesWithPdfsig compares this verifier's integrity and coverage
// verdicts on P-256 files with poppler's pdfsig (which cannot check SM2).
func TestAgreesWithPdfsig(t *testing.T) {
	pdfsig := needTool(t, "pdfsig")
	pki := testPKI(t, "p256")
	p := buildUnsigned(t, testDoc{code: testCode}, testNow)
	good := fill(t, p, leafSigner(pki), testNow)
	flipped := append([]byte(nil), good...)
	flipped[strings.Index(string(flipped), "Insurance certificate")] ^= 0x20
	updated := addRevision(good, p.xref, 7, "<< /Producer (changed) >>")

	v := newVerifier(t, nil, testNow, pki.Root)
	dir := t.TempDir()
	for _, c := range []struct {
		name      string
		pdf       []byte
		pdfsigSay []string
	}{
		{"good", good, []string{"Signature is Valid", "Total document signed"}},
		{"flipped", flipped, []string{"Digest Mismatch"}},
		{"updated", updated, []string{"Signature is Valid", "Not total document signed"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".pdf")
			if err := os.WriteFile(path, c.pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			out, _ := exec.Command(pdfsig, path).CombinedOutput()
			for _, s := range c.pdfsigSay {
				if !strings.Contains(string(out), s) {
					t.Fatalf("pdfsig does not say %q:\n%s", s, out)
				}
			}
			r := v.Verify(context.Background(), c.pdf)
			if len(r.Signatures) != 1 {
				t.Fatalf("%d signatures", len(r.Signatures))
			}
			s := r.Signatures[0]
			pdfsigIntact := strings.Contains(string(out), "Signature is Valid")
			pdfsigWhole := strings.Contains(string(out), "Total document signed")
			if s.IntegrityValid != pdfsigIntact {
				t.Errorf("integrity: ours %v, pdfsig %v", s.IntegrityValid, pdfsigIntact)
			}
			if pdfsigIntact && s.CoversWholeDocument != pdfsigWhole {
				t.Errorf("coverage: ours %v, pdfsig %v", s.CoversWholeDocument, pdfsigWhole)
			}
		})
	}
}
