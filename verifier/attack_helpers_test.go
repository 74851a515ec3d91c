package verifier

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"sihub/verifier/pdfstruct"
)

// This file holds the building blocks of the attack generators: reading a
// file's structure and appending incremental updates to it.

// layout is what an attack needs to know about a signed file.
type layout struct {
	f       *pdfstruct.File
	root    int // catalog
	info    int // /Info, 0 if none
	page    int // first page
	content int // first page's first content stream
	size    int // trailer /Size
	xref    int64
	id      string // the trailer's /ID as written, "" if none
}

func readLayout(t testing.TB, pdf []byte) layout {
	t.Helper()
	f, err := pdfstruct.Open(context.Background(), pdf, pdfstruct.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	l := layout{f: f}
	tr := f.Trailer()
	l.root = tr["Root"].(pdfstruct.Ref).Num
	if r, ok := tr["Info"].(pdfstruct.Ref); ok {
		l.info = r.Num
	}
	for _, n := range f.EntryNumbers() {
		if n+1 > l.size {
			l.size = n + 1
		}
	}
	if id, ok := tr["ID"].(pdfstruct.Array); ok && len(id) == 2 {
		a, _ := id[0].(pdfstruct.String)
		b, _ := id[1].(pdfstruct.String)
		l.id = fmt.Sprintf("[<%X> <%X>]", a.Value, b.Value)
	}
	i := bytes.LastIndex(pdf, []byte("startxref"))
	fs := bytes.Fields(pdf[i+len("startxref"):])
	x, err := strconv.ParseInt(string(fs[0]), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	l.xref = x
	cat, _ := f.Catalog()
	pages, _ := f.Resolve(cat["Pages"])
	kids, _ := f.Resolve(pages.(pdfstruct.Dict)["Kids"])
	// descend to the first leaf
	node := kids.(pdfstruct.Array)[0].(pdfstruct.Ref)
	for depth := 0; depth < 16; depth++ {
		d, _ := f.Object(node.Num)
		pd := d.(pdfstruct.Dict)
		if k, ok := pd["Kids"]; ok {
			ka, _ := f.Resolve(k)
			node = ka.(pdfstruct.Array)[0].(pdfstruct.Ref)
			continue
		}
		l.page = node.Num
		switch c := pd["Contents"].(type) {
		case pdfstruct.Ref:
			l.content = c.Num
		case pdfstruct.Array:
			l.content = c[0].(pdfstruct.Ref).Num
		}
		break
	}
	return l
}

// object returns the current body of object n as PDF source ("<< … >>"
// for dictionaries; streams are not supported).
func (l layout) dictText(t testing.TB, n int) string {
	t.Helper()
	o, err := l.f.Object(n)
	if err != nil {
		t.Fatal(err)
	}
	return pdfText(o)
}

// pdfText writes an object back as PDF syntax (enough for dictionaries of
// names, numbers, strings, arrays and references).
func pdfText(o pdfstruct.Object) string {
	switch v := o.(type) {
	case pdfstruct.Null:
		return "null"
	case pdfstruct.Bool:
		return strconv.FormatBool(bool(v))
	case pdfstruct.Int:
		return strconv.FormatInt(int64(v), 10)
	case pdfstruct.Real:
		return strconv.FormatFloat(float64(v), 'f', -1, 64)
	case pdfstruct.Name:
		var b bytes.Buffer
		b.WriteByte('/')
		for _, c := range []byte(v) {
			if c <= ' ' || c >= 0x7f || strings.IndexByte("#/()<>[]{}%", c) >= 0 {
				fmt.Fprintf(&b, "#%02X", c)
				continue
			}
			b.WriteByte(c)
		}
		return b.String()
	case pdfstruct.String:
		return fmt.Sprintf("<%X>", v.Value)
	case pdfstruct.Ref:
		return v.String()
	case pdfstruct.Array:
		var b bytes.Buffer
		b.WriteString("[")
		for i, e := range v {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(pdfText(e))
		}
		b.WriteString("]")
		return b.String()
	case pdfstruct.Dict:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, string(k))
		}
		sort.Strings(keys)
		var b bytes.Buffer
		b.WriteString("<<")
		for _, k := range keys {
			b.WriteString(" /" + k + " " + pdfText(v[pdfstruct.Name(k)]))
		}
		b.WriteString(" >>")
		return b.String()
	}
	return "null"
}

// stream formats a stream object body with an exact /Length.
func stream(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// appendRevision appends an incremental update to pdf defining objs
// (number → body; an empty body frees the number) with a classic
// cross-reference table chained to the file's last section.
func appendRevision(t testing.TB, pdf []byte, objs map[int]string) []byte {
	t.Helper()
	l := readLayout(t, pdf)
	var b bytes.Buffer
	b.Write(pdf)
	if pdf[len(pdf)-1] != '\n' {
		b.WriteByte('\n')
	}
	nums := make([]int, 0, len(objs))
	for n := range objs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	offs := map[int]int{}
	size := l.size
	for _, n := range nums {
		if n+1 > size {
			size = n + 1
		}
		if objs[n] == "" {
			continue
		}
		offs[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, objs[n])
	}
	x := b.Len()
	b.WriteString("xref\n")
	for _, n := range nums {
		if objs[n] == "" {
			fmt.Fprintf(&b, "%d 1\n0000000000 00001 f \n", n)
		} else {
			fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", n, offs[n])
		}
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R", size, l.root)
	if l.info != 0 {
		fmt.Fprintf(&b, " /Info %d 0 R", l.info)
	}
	if l.id != "" {
		b.WriteString(" /ID " + l.id)
	}
	fmt.Fprintf(&b, " /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", l.xref, x)
	return b.Bytes()
}

// appendObjStmRevision appends an incremental update whose objects live in
// an (unfiltered) object stream, indexed by a cross-reference stream.
func appendObjStmRevision(t testing.TB, pdf []byte, objs map[int]string) []byte {
	t.Helper()
	l := readLayout(t, pdf)
	var b bytes.Buffer
	b.Write(pdf)
	nums := make([]int, 0, len(objs))
	for n := range objs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	var head, body bytes.Buffer
	for _, n := range nums {
		fmt.Fprintf(&head, "%d %d ", n, body.Len())
		body.WriteString(objs[n] + "\n")
	}
	stm, xs := l.size, l.size+1
	data := head.String() + body.String()
	stmOff := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d >>\nstream\n%s\nendstream\nendobj\n", stm, len(nums), head.Len(), len(data), data)
	// cross-reference stream: W [1 4 2]
	var rows bytes.Buffer
	var index []string
	row := func(typ byte, a uint32, c uint16) {
		rows.WriteByte(typ)
		rows.Write([]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)})
		rows.Write([]byte{byte(c >> 8), byte(c)})
	}
	for i, n := range nums {
		index = append(index, fmt.Sprintf("%d 1", n))
		row(2, uint32(stm), uint16(i))
	}
	xOff := b.Len()
	index = append(index, fmt.Sprintf("%d 2", stm))
	row(1, uint32(stmOff), 0)
	row(1, uint32(xOff), 0)
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%s] /Root %d 0 R", xs, xs+1, joinStrings(index), l.root)
	if l.info != 0 {
		fmt.Fprintf(&b, " /Info %d 0 R", l.info)
	}
	if l.id != "" {
		b.WriteString(" /ID " + l.id)
	}
	fmt.Fprintf(&b, " /Prev %d /Length %d >>\nstream\n", l.xref, rows.Len())
	b.Write(rows.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xOff)
	return b.Bytes()
}

func joinStrings(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(x)
	}
	return b.String()
}
