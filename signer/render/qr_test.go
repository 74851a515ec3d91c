package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQRRoundTrip renders the certificate at 200 dpi and decodes the QR
// code with zbarimg.
func TestQRRoundTrip(t *testing.T) {
	c := sampleCertificate(24)
	p := render(t, c, 1)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "c.pdf")
	os.WriteFile(pdf, p.PDF, 0o600)
	run(t, "pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, filepath.Join(dir, "p"))
	out := run(t, "zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", filepath.Join(dir, "p.png"))
	if got := strings.TrimRight(string(out), "\n"); got != c.QRText {
		t.Fatalf("decoded %q\nwant    %q", got, c.QRText)
	}
	if n := len(c.QRText); n < 150 {
		t.Errorf("sample payload of %d characters is shorter than a real one", n)
	}
}
