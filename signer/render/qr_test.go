package render

import (
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

// TestQRRectsCoverExactly checks that the rectangles drawQR writes cover
// every dark module once and no light module, for payloads of several
// versions.
func TestQRRectsCoverExactly(t *testing.T) {
	for _, text := range []string{"a", sampleCertificate(1).QRText, strings.Repeat("http://127.0.0.1/v/ABCDEFGH", 20)} {
		q, err := qr.Encode(text)
		if err != nil {
			t.Fatal(err)
		}
		n := q.Size
		cover := make([]int, n*n)
		runs := 0
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				if q.Dark(x, y) && (x == 0 || !q.Dark(x-1, y)) {
					runs++
				}
			}
		}
		var rects [][4]int
		for _, line := range strings.Split(strings.TrimSuffix(string(appendQRRects(nil, q, 0)), "\n"), "\n") {
			var r [4]int
			if _, err := fmt.Sscanf(line, "%d %d %d %d re", &r[0], &r[1], &r[2], &r[3]); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			rects = append(rects, r)
		}
		for _, r := range rects {
			for y := r[1]; y < r[1]+r[3]; y++ {
				for x := r[0]; x < r[0]+r[2]; x++ {
					cover[y*n+x]++
				}
			}
		}
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				want := 0
				if q.Dark(x, y) {
					want = 1
				}
				if cover[y*n+x] != want {
					t.Fatalf("version %d: module (%d,%d) covered %d times, dark=%v", q.Version, x, y, cover[y*n+x], q.Dark(x, y))
				}
			}
		}
		if len(rects) >= runs {
			t.Errorf("version %d: %d rectangles for %d runs: nothing merged", q.Version, len(rects), runs)
		}
		t.Logf("version %d: %d runs drawn as %d rectangles", q.Version, runs, len(rects))
	}
}
