package pdfstruct

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// builder writes test PDFs object by object.
type builder struct {
	b   bytes.Buffer
	off map[int]int
}

func newBuilder() *builder {
	b := &builder{off: map[int]int{}}
	b.b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	return b
}

func (b *builder) obj(num int, body string) {
	b.off[num] = b.b.Len()
	fmt.Fprintf(&b.b, "%d 0 obj\n%s\nendobj\n", num, body)
}

// table writes a classic xref section for nums and its trailer; it
// returns the section's offset.
func (b *builder) table(nums []int, trailer string) int {
	x := b.b.Len()
	b.b.WriteString("xref\n")
	for _, n := range nums {
		if n == 0 {
			b.b.WriteString("0 1\n0000000000 65535 f \n")
			continue
		}
		fmt.Fprintf(&b.b, "%d 1\n%010d 00000 n \n", n, b.off[n])
	}
	fmt.Fprintf(&b.b, "trailer\n%s\nstartxref\n%d\n%%%%EOF\n", trailer, x)
	return x
}

func deflate(data []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(data)
	w.Close()
	return z.Bytes()
}

func open(t *testing.T, data []byte) *File {
	t.Helper()
	f, err := Open(context.Background(), data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestClassicRevisions(t *testing.T) {
	b := newBuilder()
	b.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	b.obj(2, "<< /Type /Pages /Kids [] /Count 0 >>")
	b.obj(3, "<< /Title (first) >>")
	x1 := b.table([]int{0, 1, 2, 3}, "<< /Size 4 /Root 1 0 R /Info 3 0 R >>")
	end1 := b.b.Len() - 1 // before the final newline
	b.obj(3, "<< /Title (second) >>")
	b.obj(4, "<< /Extra true >>")
	x2 := b.table([]int{3, 4}, fmt.Sprintf("<< /Size 5 /Root 1 0 R /Info 3 0 R /Prev %d >>", x1))
	f := open(t, b.b.Bytes())

	revs := f.Revisions()
	if len(revs) != 2 || revs[0].XrefOffset != int64(x1) || revs[1].XrefOffset != int64(x2) || revs[0].Stream {
		t.Fatalf("revisions %+v", revs)
	}
	if revs[0].End != int64(end1) || revs[1].End != int64(b.b.Len()-1) {
		t.Errorf("ends %d %d, want %d %d", revs[0].End, revs[1].End, end1, b.b.Len()-1)
	}
	if fmt.Sprint(revs[1].Objects) != "[3 4]" {
		t.Errorf("second revision defines %v", revs[1].Objects)
	}
	if !f.IsRevisionEnd(int64(end1)) || !f.IsRevisionEnd(int64(end1+1)) || f.IsRevisionEnd(int64(end1+2)) {
		t.Error("IsRevisionEnd does not accept exactly the end of the EOF marker with one optional EOL")
	}
	info, err := f.Resolve(f.Trailer()["Info"])
	if err != nil {
		t.Fatal(err)
	}
	if s := info.(Dict)["Title"].(String); string(s.Value) != "second" {
		t.Errorf("newest /Info not used: %q", s.Value)
	}
	if f.Repaired() {
		t.Error("a well-formed file reported repaired")
	}
}

// TestXrefStreamAndObjectStream builds a PDF 1.5 file whose objects sit in
// a compressed object stream, indexed by a cross-reference stream with a
// PNG Up predictor.
func TestXrefStreamAndObjectStream(t *testing.T) {
	b := newBuilder()
	objs := []string{"<< /Type /Catalog /Pages 3 0 R >>", "<< /Type /Pages /Kids [] /Count 0 /Note <414243> >>"}
	var hdr, body strings.Builder
	for i, o := range objs {
		fmt.Fprintf(&hdr, "%d %d ", i+2, body.Len())
		body.WriteString(o + "\n")
	}
	stm := hdr.String() + body.String()
	z := deflate([]byte(stm))
	b.obj(1, fmt.Sprintf("<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", hdr.Len(), len(z), z))
	// entries: 0 free, 1 at offset, 2 and 3 in stream 1, 4 the xref stream
	x := b.b.Len()
	rows := [][4]byte{{0, 0, 0, 0}, {1, byte(b.off[1] >> 8), byte(b.off[1]), 0}, {2, 0, 1, 0}, {2, 0, 1, 1}, {1, byte(x >> 8), byte(x), 0}}
	var raw []byte
	prev := [4]byte{}
	for _, r := range rows {
		raw = append(raw, 2) // PNG Up
		for i := range r {
			raw = append(raw, r[i]-prev[i])
		}
		prev = r
	}
	zx := deflate(raw)
	b.off[4] = x
	fmt.Fprintf(&b.b, "4 0 obj\n<< /Type /XRef /Size 5 /W [1 2 1] /Root 2 0 R /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >> /Length %d >>\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", len(zx), zx, x)
	f := open(t, b.b.Bytes())
	cat, err := f.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	pages, err := f.Resolve(cat["Pages"])
	if err != nil {
		t.Fatal(err)
	}
	note := pages.(Dict)["Note"].(String)
	if string(note.Value) != "ABC" || note.Start != -1 {
		t.Errorf("string from an object stream: %+v", note)
	}
	if stm, ok := f.InObjStm(3); !ok || stm != 1 {
		t.Errorf("object 3 not reported in object stream 1")
	}
	revs := f.Revisions()
	if len(revs) != 1 || !revs[0].Stream || f.Repaired() {
		t.Errorf("revisions %+v repaired %v", revs, f.Repaired())
	}
}

func TestRepairBrokenXref(t *testing.T) {
	b := newBuilder()
	b.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	b.obj(2, "<< /Type /Pages /Kids [] /Count 0 >>")
	b.table([]int{0, 1, 2}, "<< /Size 3 /Root 1 0 R >>")
	data := bytes.Replace(b.b.Bytes(), []byte("xref\n0 1"), []byte("xruf\n0 1"), 1)
	f := open(t, data)
	if !f.Repaired() {
		t.Fatal("broken xref not reported")
	}
	if cat, err := f.Catalog(); err != nil || cat["Pages"] != (Ref{Num: 2}) {
		t.Errorf("catalog after repair: %v %v", cat, err)
	}
}

func TestStringsAndNames(t *testing.T) {
	b := newBuilder()
	b.obj(1, `<< /Type /Catalog /A#20B (x\(y\)\101\n(nested)) /H <41 42 4> /R 7 0 R /N [1 -2 +3 4.5 .5] >>`)
	b.table([]int{0, 1}, "<< /Size 2 /Root 1 0 R >>")
	data := b.b.Bytes()
	f := open(t, data)
	cat, err := f.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if s := cat["A B"].(String); string(s.Value) != "x(y)A\n(nested)" || s.Hex {
		t.Errorf("literal string %q", s.Value)
	}
	h := cat["H"].(String)
	if string(h.Value) != "AB@" || !h.Hex || data[h.Start] != '<' || data[h.End-1] != '>' {
		t.Errorf("hex string %+v", h)
	}
	if cat["R"] != (Ref{Num: 7}) {
		t.Errorf("reference %v", cat["R"])
	}
	if fmt.Sprint(cat["N"]) != "[1 -2 3 4.5 0.5]" {
		t.Errorf("numbers %v", cat["N"])
	}
}

func TestLimits(t *testing.T) {
	b := newBuilder()
	b.obj(1, "<< /Type /Catalog /Deep "+strings.Repeat("[", 100)+strings.Repeat("]", 100)+" >>")
	b.table([]int{0, 1}, "<< /Size 2 /Root 1 0 R >>")
	data := b.b.Bytes()

	if _, err := Open(context.Background(), data, Limits{MaxFileSize: int64(len(data) - 1)}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("size cap: %v", err)
	}
	f, err := Open(context.Background(), data, Limits{})
	if err == nil {
		_, err = f.Catalog()
	}
	if !errors.Is(err, ErrLimit) {
		t.Errorf("depth cap: %v", err)
	}

	// a compressed stream that inflates beyond the ratio cap
	bomb := deflate(make([]byte, 4<<20))
	b = newBuilder()
	b.obj(1, "<< /Type /Catalog >>")
	b.obj(2, fmt.Sprintf("<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", len(bomb), bomb))
	b.table([]int{0, 1, 2}, "<< /Size 3 /Root 1 0 R >>")
	f = open(t, b.b.Bytes())
	s, err := f.Object(2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Decode(s.(*Stream)); !errors.Is(err, ErrLimit) {
		t.Errorf("ratio cap: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b = newBuilder()
	b.obj(1, "<< /Type /Catalog >>")
	for i := 2; i < 3000; i++ {
		b.obj(i, "<< /K [1 2 3] >>")
	}
	if _, err := Open(ctx, b.b.Bytes(), Limits{}); !errors.Is(err, ErrLimit) && !errors.Is(err, ErrMalformed) {
		t.Errorf("cancelled context on a file needing a scan: %v", err)
	}
}

func TestNotPDF(t *testing.T) {
	for _, in := range []string{"", "hello", "%PDF-1.7\n", "%PDF-1.7\nstartxref\n99999\n%%EOF"} {
		if _, err := Open(context.Background(), []byte(in), Limits{}); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", in, err)
		}
	}
}
