package render

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sihub/signer/render/qr"
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

// TestQRImageMatchesModules checks that the image mask drawQR writes has
// a sample of 0 (painted) for every dark module and 1 for every light one
// and for the padding, row by row from the top, for payloads of several
// versions.
func TestQRImageMatchesModules(t *testing.T) {
	for _, text := range []string{"a", sampleCertificate(1).QRText, strings.Repeat("http://127.0.0.1/v/ABCDEFGH", 20)} {
		q, err := qr.Encode(text)
		if err != nil {
			t.Fatal(err)
		}
		n := q.Size
		img := string(appendQRImage(nil, q))
		head := fmt.Sprintf("BI /IM true /W %d /H %d /BPC 1 /F /AHx ID\n", n, n)
		if !strings.HasPrefix(img, head) || !strings.HasSuffix(img, ">\nEI\n") {
			t.Fatalf("image of version %d: %.60q … %q", q.Version, img, img[max(0, len(img)-8):])
		}
		rows := strings.Split(strings.TrimSuffix(strings.TrimPrefix(img, head), "\n>\nEI\n"), "\n")
		if len(rows) != n {
			t.Fatalf("%d rows of samples, want %d", len(rows), n)
		}
		for y, row := range rows {
			bits, err := hex.DecodeString(row)
			if err != nil || len(bits) != (n+7)/8 {
				t.Fatalf("row %d %q: %d bytes, %v; want %d", y, row, len(bits), err, (n+7)/8)
			}
			for x := 0; x < 8*len(bits); x++ {
				light := bits[x/8]>>(7-x%8)&1 == 1
				if x < n && light == q.Dark(x, y) || x >= n && !light {
					t.Fatalf("module (%d, %d) of version %d: sample %v, dark %v", x, y, q.Version, light, x < n && q.Dark(x, y))
				}
			}
		}
	}
}
