package pdfw

import (
	"bytes"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tool returns the path of an external program; outside CI a missing one
// skips the test.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

func onePage(t *testing.T) ([]byte, int, []int) {
	w := New(1024)
	cat, pages, page, content := w.Alloc(), w.Alloc(), w.Alloc(), w.Alloc()
	var c Content
	c.StrokeRGB(0.5, 0.5, 0.5)
	c.Line(10, 10, 100.25, 100.125)
	c.Circle(50, 50, 20)
	c.Raw("S\n")
	w.Stream(content, "", c.B, Fast)
	w.Object(page, "<< /Type /Page /Parent "+strconv.Itoa(pages)+" 0 R /MediaBox [0 0 200 200] /Contents "+strconv.Itoa(content)+" 0 R >>")
	w.Object(pages, "<< /Type /Pages /Kids ["+strconv.Itoa(page)+" 0 R] /Count 1 >>")
	w.Object(cat, "<< /Type /Catalog /Pages "+strconv.Itoa(pages)+" 0 R >>")
	offs := []int{w.Offset(cat), w.Offset(pages), w.Offset(page), w.Offset(content)}
	pdf, xref, err := w.Finish(Trailer{Root: cat, ID: [2][]byte{{1, 2}, {1, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	return pdf, xref, offs
}

func TestWriterQPDF(t *testing.T) {
	pdf, xref, offs := onePage(t)
	if !bytes.HasPrefix(pdf, []byte(Header)) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatal("header or EOF marker missing")
	}
	if !bytes.HasPrefix(pdf[xref:], []byte("xref\n")) {
		t.Fatalf("xref offset %d points at %q", xref, pdf[xref:xref+8])
	}
	for i, off := range offs {
		want := strconv.Itoa(i+1) + " 0 obj\n"
		if !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("object %d offset %d points at %q", i+1, off, pdf[off:off+8])
		}
	}
	qpdfCheck(t, pdf)
}

// qpdfCheck runs qpdf --check on pdf.
func qpdfCheck(t *testing.T, pdf []byte) {
	t.Helper()
	qpdf := tool(t, "qpdf")
	f := filepath.Join(t.TempDir(), "a.pdf")
	os.WriteFile(f, pdf, 0o600)
	out, err := exec.Command(qpdf, "--check", f).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("No syntax or stream encoding errors")) {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}

func TestUnwritten(t *testing.T) {
	w := New(0)
	w.Alloc()
	if _, _, err := w.Finish(Trailer{Root: 1}); !errors.Is(err, ErrUnwritten) {
		t.Fatalf("err = %v, want ErrUnwritten", err)
	}
}

func TestAppendNum(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", 1: "1", -1.5: "-1.5", 595.28: "595.28", 0.0004: "0", 12.3456: "12.346", -0.0001: "0", 100.1: "100.1",
		9.9996: "10", 99.9999: "100", 999.9999: "1000", 1234.5: "1234.5", -1e7: "-10000000", 0.05: "0.05",
	} {
		if got := string(AppendNum(nil, v)); got != want {
			t.Errorf("AppendNum(%v) = %q, want %q", v, got, want)
		}
	}
}

// TestAppendNumMatchesFormat compares AppendNum with strconv's
// formatting of the value rounded to three decimals.
func TestAppendNumMatchesFormat(t *testing.T) {
	for i := -200000; i <= 2000000; i += 7 {
		v := float64(i) / 997
		want := strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
		if want == "-0" {
			want = "0"
		}
		if got := string(AppendNum(nil, v)); got != want {
			t.Fatalf("AppendNum(%v) = %q, want %q", v, got, want)
		}
	}
	// Values at and next to the rounding boundaries.
	for _, x := range []float64{0.5, 1.5, 2.5, 12345.5, 0.49999999999999994, 4503599627370495.5, 1 << 52, 1<<53 + 2, 9e18} {
		for _, y := range []float64{x, math.Nextafter(x, 0), math.Nextafter(x, math.Inf(1)), -x, -math.Nextafter(x, 0)} {
			v := y / 1000
			want := strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
			if want == "-0" {
				want = "0"
			}
			if n := math.Round(v * 1000); math.Abs(n) >= 1<<53 {
				continue // beyond exact integers the quotient is not the reference
			}
			if got := string(AppendNum(nil, v)); got != want {
				t.Errorf("AppendNum(%v) = %q, want %q", v, got, want)
			}
		}
	}
}

func BenchmarkAppendNum(b *testing.B) {
	vals := []float64{56.69, 538.59, 763.891, 0.5, 12.25, -3.6, 7.5, 420.123456}
	buf := make([]byte, 0, 64)
	for b.Loop() {
		buf = buf[:0]
		for _, v := range vals {
			buf = AppendNum(buf, v)
		}
	}
}

func TestFill(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 7, 64, 1000, 16385} {
		w := New(8)
		w.WriteString("<")
		w.Fill('0', n)
		w.WriteString(">")
		want := Header + "<" + strings.Repeat("0", n) + ">"
		if got := string(w.Bytes()); got != want {
			t.Errorf("Fill(%d): %d bytes, want %d", n, len(got), len(want))
		}
	}
}

// TestNewBuffer checks that a Writer writes into the memory it is given
// and grows out of it when the file does not fit.
func TestNewBuffer(t *testing.T) {
	buf := make([]byte, 100, 4096)
	for i := range buf {
		buf[i] = 'x'
	}
	w := NewBuffer(buf)
	if !bytes.Equal(w.Bytes(), []byte(Header)) {
		t.Fatalf("fresh writer holds %q", w.Bytes())
	}
	n := w.Alloc()
	w.Object(n, "<< >>")
	pdf, _, err := w.Finish(Trailer{Root: n})
	if err != nil {
		t.Fatal(err)
	}
	if &pdf[0] != &buf[:1][0] {
		t.Error("the file does not use the buffer it was given")
	}
	small := NewBuffer(make([]byte, 0, 4))
	small.Fill(' ', 100)
	if got := len(small.Bytes()); got != len(Header)+100 {
		t.Errorf("grown writer holds %d bytes", got)
	}
}
