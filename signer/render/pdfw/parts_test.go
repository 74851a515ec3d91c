package pdfw

import (
	"bytes"
	"compress/zlib"
	"hash/adler32"
	"io"
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"

	"github.com/klauspost/compress/flate"
)

func TestAdlerCombine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 5552, 65521, 65522, 200000} {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		for _, cut := range []int{0, n / 3, n} {
			got := adlerCombine(adler32.Checksum(p[:cut]), adler32.Checksum(p[cut:]), n-cut)
			if want := adler32.Checksum(p); got != want {
				t.Errorf("n=%d cut=%d: %#x, want %#x", n, cut, got, want)
			}
		}
	}
}

// TestStreamParts joins pieces compressed ahead of time with pieces
// compressed on the spot and checks that the stream inflates (with the
// standard library's zlib reader, which checks the Adler-32) to the
// pieces' concatenation, and that qpdf accepts the file.
func TestStreamParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	text := func(n int) []byte {
		var b []byte
		for len(b) < n {
			b = strconv.AppendInt(b, int64(rng.IntN(1000)), 10)
			b = append(b, " 0 0 1 re\n"...)
		}
		return b[:n]
	}
	a, b, c, e := text(3000), text(140000), text(10), text(0)
	const raw = -100 // level meaning "compress while writing"
	type piece struct {
		data  []byte
		level int
	}
	for name, pieces := range map[string][]piece{
		"pre raw pre": {{a, flate.BestCompression}, {b, raw}, {c, flate.HuffmanOnly}},
		"raw pre raw": {{a, raw}, {b, flate.BestSpeed}, {c, raw}, {e, raw}},
		"raw only":    {{a, raw}, {b, raw}},
		"pre only":    {{a, 6}},
		"empty":       {{e, raw}, {e, 9}},
	} {
		var parts []Part
		var want []byte
		for _, p := range pieces {
			want = append(want, p.data...)
			if p.level == raw {
				parts = append(parts, Part{Raw: p.data})
				continue
			}
			d, err := Deflate(p.data, p.level)
			if err != nil {
				t.Fatal(err)
			}
			if d.Len() != len(p.data) {
				t.Fatalf("Len = %d, want %d", d.Len(), len(p.data))
			}
			parts = append(parts, Part{Pre: d})
		}
		for _, cm := range []Compression{Fast, Huffman, Store} {
			w := New(0)
			cat, pages, page, s := w.Alloc(), w.Alloc(), w.Alloc(), w.Alloc()
			w.StreamParts(s, "", parts, cm)
			w.Object(page, "<< /Type /Page /Parent "+strconv.Itoa(pages)+" 0 R /MediaBox [0 0 99 99] /Contents "+strconv.Itoa(s)+" 0 R >>")
			w.Object(pages, "<< /Type /Pages /Kids ["+strconv.Itoa(page)+" 0 R] /Count 1 >>")
			w.Object(cat, "<< /Type /Catalog /Pages "+strconv.Itoa(pages)+" 0 R >>")
			pdf, _, err := w.Finish(Trailer{Root: cat})
			if err != nil {
				t.Fatal(err)
			}
			m := regexp.MustCompile(`/Length (\d+) >>\nstream\n`).FindSubmatchIndex(pdf)
			if m == nil {
				t.Fatalf("%s: no stream", name)
			}
			n, _ := strconv.Atoi(string(pdf[m[2]:m[3]]))
			if !bytes.HasPrefix(pdf[m[1]+n:], []byte("\nendstream")) {
				t.Fatalf("%s: /Length does not reach endstream", name)
			}
			zr, err := zlib.NewReader(bytes.NewReader(pdf[m[1] : m[1]+n]))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("%s: inflate: %v", name, err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: inflated %d bytes, want %d", name, len(got), len(want))
			}
			if name == "pre raw pre" {
				qpdfCheck(t, pdf)
			}
		}
	}
}
