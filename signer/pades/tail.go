package pades

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// ErrUnsupportedFile: the PDF is not one the incremental-update writers
// (AppendDSS, AppendDocTimeStamp) can extend: they read only classic
// cross-reference tables and plain dictionaries, as sihub's renderer and
// Seal write them.
var ErrUnsupportedFile = errors.New("pades: cannot extend this PDF")

// Limits of the tail reader: it follows at most maxSections
// cross-reference sections and reads dictionaries of at most maxDictLen
// bytes.
const (
	maxSections = 64
	maxDictLen  = 1 << 20
	maxFileLen  = 1 << 30
)

// tail is what the writers need to know about the last revision of a
// file: where its cross-reference section is, its trailer entries, and
// where each object currently lives.
type tail struct {
	xref    int64
	size    int
	root    int
	info    int
	id      [2][]byte
	offsets map[int]int64 // newest definition of each in-use object
}

func unsupported(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupportedFile, fmt.Sprintf(format, a...))
}

// readTail reads the cross-reference chain of pdf from its last startxref.
func readTail(pdf []byte) (*tail, error) {
	if len(pdf) > maxFileLen {
		return nil, unsupported("file of %d bytes", len(pdf))
	}
	end := pdf[max(0, len(pdf)-1024):]
	i := bytes.LastIndex(end, []byte("startxref"))
	if i < 0 {
		return nil, unsupported("no startxref")
	}
	rest := bytes.TrimLeft(end[i+len("startxref"):], " \r\n")
	j := bytes.IndexAny(rest, " \r\n%")
	if j < 0 {
		return nil, unsupported("startxref without a number")
	}
	off, err := strconv.ParseInt(string(rest[:j]), 10, 64)
	if err != nil || off <= 0 || off >= int64(len(pdf)) {
		return nil, unsupported("startxref %q", rest[:j])
	}
	t := &tail{xref: off, offsets: map[int]int64{}}
	seen := map[int64]bool{}
	for n := 0; off > 0; n++ {
		if n == maxSections || seen[off] {
			return nil, unsupported("cross-reference chain longer than %d sections or looping", maxSections)
		}
		seen[off] = true
		trailer, err := readXrefSection(pdf, off, t.offsets)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			if t.size, err = intEntry(trailer, "Size"); err != nil {
				return nil, err
			}
			if t.root, err = refEntry(trailer, "Root"); err != nil {
				return nil, err
			}
			if _, ok := findKey(trailer, "Info"); ok {
				if t.info, err = refEntry(trailer, "Info"); err != nil {
					return nil, err
				}
			}
			t.id = idEntry(trailer)
		}
		off = 0
		if _, ok := findKey(trailer, "Prev"); ok {
			p, err := intEntry(trailer, "Prev")
			if err != nil || p <= 0 || p >= len(pdf) {
				return nil, unsupported("trailer /Prev")
			}
			off = int64(p)
		}
	}
	if t.root <= 0 || t.root >= t.size || t.offsets[t.root] == 0 {
		return nil, unsupported("catalog %d not in the cross-reference table", t.root)
	}
	return t, nil
}

// readXrefSection reads one "xref … trailer << … >>" section at off,
// recording offsets of objects not already known (newer sections are
// read first), and returns the trailer dictionary.
func readXrefSection(pdf []byte, off int64, offsets map[int]int64) ([]byte, error) {
	p := pdf[off:]
	if !bytes.HasPrefix(p, []byte("xref")) {
		return nil, unsupported("no classic cross-reference table at %d", off)
	}
	pos := len("xref")
	line := func() []byte {
		for pos < len(p) && (p[pos] == '\r' || p[pos] == '\n' || p[pos] == ' ') {
			pos++
		}
		s := pos
		for pos < len(p) && p[pos] != '\r' && p[pos] != '\n' {
			pos++
		}
		return p[s:pos]
	}
	for guard := 0; ; guard++ {
		if guard > 1<<20 {
			return nil, unsupported("cross-reference table too long")
		}
		l := line()
		if bytes.HasPrefix(l, []byte("trailer")) {
			pos -= len(l) - len("trailer")
			d, _, err := dictAt(p, pos)
			return d, err
		}
		f := bytes.Fields(l)
		if len(f) != 2 {
			return nil, unsupported("cross-reference subsection header %q", l)
		}
		first, err1 := strconv.Atoi(string(f[0]))
		count, err2 := strconv.Atoi(string(f[1]))
		if err1 != nil || err2 != nil || first < 0 || count < 0 || count > len(p)/18 {
			return nil, unsupported("cross-reference subsection header %q", l)
		}
		for k := 0; k < count; k++ {
			e := bytes.Fields(line())
			if len(e) != 3 {
				return nil, unsupported("cross-reference entry")
			}
			if string(e[2]) != "n" {
				continue
			}
			v, err := strconv.ParseInt(string(e[0]), 10, 64)
			if err != nil || v < 0 || v >= int64(len(pdf)) {
				return nil, unsupported("cross-reference offset %q", e[0])
			}
			if _, ok := offsets[first+k]; !ok {
				offsets[first+k] = v
			}
		}
	}
}

// object returns the dictionary of object num ("num 0 obj << … >>").
func (t *tail) object(pdf []byte, num int) ([]byte, error) {
	off, ok := t.offsets[num]
	if !ok {
		return nil, unsupported("object %d not in use", num)
	}
	head := strconv.Itoa(num) + " 0 obj"
	p := pdf[off:]
	if !bytes.HasPrefix(p, []byte(head)) {
		return nil, unsupported("object %d is not at offset %d", num, off)
	}
	d, _, err := dictAt(p, len(head))
	return d, err
}

// dictAt returns the dictionary "<< … >>" starting at or after p[i]
// (after white space) and the index after it. Strings, hex strings and
// nested dictionaries are skipped as wholes.
func dictAt(p []byte, i int) ([]byte, int, error) {
	for i < len(p) && (p[i] == ' ' || p[i] == '\r' || p[i] == '\n' || p[i] == '\t') {
		i++
	}
	if i+1 >= len(p) || p[i] != '<' || p[i+1] != '<' {
		return nil, 0, unsupported("no dictionary")
	}
	start, depth := i, 0
	for i < len(p) && i-start < maxDictLen {
		switch c := p[i]; {
		case c == '<' && i+1 < len(p) && p[i+1] == '<':
			depth++
			i += 2
		case c == '>' && i+1 < len(p) && p[i+1] == '>':
			depth--
			i += 2
			if depth == 0 {
				return p[start:i], i, nil
			}
		case c == '<':
			k := bytes.IndexByte(p[i:], '>')
			if k < 0 {
				return nil, 0, unsupported("unterminated hex string")
			}
			i += k + 1
		case c == '(':
			n := 0
			for i < len(p) {
				switch p[i] {
				case '\\':
					i++
				case '(':
					n++
				case ')':
					n--
				}
				i++
				if n == 0 {
					break
				}
			}
		default:
			i++
		}
	}
	return nil, 0, unsupported("unterminated dictionary")
}

// findKey returns the index in d just after the top-level key /name.
func findKey(d []byte, name string) (int, bool) {
	key := "/" + name
	depth := 0
	for i := 0; i < len(d); {
		switch c := d[i]; {
		case c == '<' && i+1 < len(d) && d[i+1] == '<':
			depth++
			i += 2
		case c == '>' && i+1 < len(d) && d[i+1] == '>':
			depth--
			i += 2
		case c == '<':
			k := bytes.IndexByte(d[i:], '>')
			if k < 0 {
				return 0, false
			}
			i += k + 1
		case c == '(':
			n := 0
			for i < len(d) {
				switch d[i] {
				case '\\':
					i++
				case '(':
					n++
				case ')':
					n--
				}
				i++
				if n == 0 {
					break
				}
			}
		case c == '[':
			depth++
			i++
		case c == ']':
			depth--
			i++
		case c == '/' && depth == 1 && bytes.HasPrefix(d[i:], []byte(key)):
			e := i + len(key)
			if e == len(d) || bytes.IndexByte([]byte(" \r\n\t/<[(>]"), d[e]) >= 0 {
				return e, true
			}
			i = e
		default:
			i++
		}
	}
	return 0, false
}

// value returns the text of the value of the top-level key /name: up to
// the next key or the dictionary's end, trimmed (so simple values only:
// numbers, names, references, hex strings, flat arrays).
func value(d []byte, name string) ([]byte, bool) {
	i, ok := findKey(d, name)
	if !ok {
		return nil, false
	}
	v := d[i:]
	for len(v) > 0 && (v[0] == ' ' || v[0] == '\r' || v[0] == '\n' || v[0] == '\t') {
		v = v[1:]
	}
	switch {
	case len(v) > 0 && v[0] == '[':
		if k := bytes.IndexByte(v, ']'); k >= 0 {
			return v[:k+1], true
		}
		return nil, false
	case len(v) > 0 && v[0] == '<' && (len(v) < 2 || v[1] != '<'):
		if k := bytes.IndexByte(v, '>'); k >= 0 {
			return v[:k+1], true
		}
		return nil, false
	}
	k := bytes.IndexAny(v[min(1, len(v)):], "/>")
	if k < 0 {
		return bytes.TrimSpace(v), true
	}
	return bytes.TrimSpace(v[:k+1]), true
}

func intEntry(d []byte, name string) (int, error) {
	v, ok := value(d, name)
	if !ok {
		return 0, unsupported("no /%s", name)
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 0 {
		return 0, unsupported("/%s %q", name, v)
	}
	return n, nil
}

func refEntry(d []byte, name string) (int, error) {
	v, ok := value(d, name)
	f := bytes.Fields(v)
	if !ok || len(f) != 3 || string(f[1]) != "0" || string(f[2]) != "R" {
		return 0, unsupported("/%s is not a reference", name)
	}
	n, err := strconv.Atoi(string(f[0]))
	if err != nil || n <= 0 {
		return 0, unsupported("/%s %q", name, v)
	}
	return n, nil
}

func idEntry(d []byte) [2][]byte {
	v, ok := value(d, "ID")
	if !ok {
		return [2][]byte{}
	}
	var out [2][]byte
	for k := 0; k < 2; k++ {
		a := bytes.IndexByte(v, '<')
		b := bytes.IndexByte(v, '>')
		if a < 0 || b < a {
			return [2][]byte{}
		}
		raw, err := hex.DecodeString(string(v[a+1 : b]))
		if err != nil {
			return [2][]byte{}
		}
		out[k], v = raw, v[b+1:]
	}
	return out
}

// withEntry returns d with "/name value" added before its closing ">>";
// d must not have the key already.
func withEntry(d []byte, name, val string) []byte {
	out := make([]byte, 0, len(d)+len(name)+len(val)+4)
	out = append(out, bytes.TrimRight(d[:len(d)-2], " \r\n")...)
	out = append(out, " /"...)
	out = append(out, name...)
	out = append(out, ' ')
	out = append(out, val...)
	return append(out, " >>"...)
}

// appendUpdateObjects appends an incremental update holding objs (object
// number → body, the text between "obj" and "endobj") to pdf and returns
// the file and each object's offset.
func appendUpdateObjects(pdf []byte, t *tail, objs map[int][]byte, size int) ([]byte, map[int]int) {
	if pdf[len(pdf)-1] != '\n' {
		pdf = append(pdf, '\n')
	}
	nums := make([]int, 0, len(objs))
	for n := range objs {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	offs := make(map[int]int, len(objs))
	for _, n := range nums {
		offs[n] = len(pdf)
		pdf = strconv.AppendInt(pdf, int64(n), 10)
		pdf = append(pdf, " 0 obj\n"...)
		pdf = append(pdf, objs[n]...)
		pdf = append(pdf, "\nendobj\n"...)
	}
	xref := len(pdf)
	pdf = append(pdf, "xref\n"...)
	for i := 0; i < len(nums); {
		j := i + 1
		for j < len(nums) && nums[j] == nums[j-1]+1 {
			j++
		}
		pdf = strconv.AppendInt(pdf, int64(nums[i]), 10)
		pdf = append(pdf, ' ')
		pdf = strconv.AppendInt(pdf, int64(j-i), 10)
		pdf = append(pdf, '\n')
		for _, n := range nums[i:j] {
			var e [20]byte
			copy(e[:], "0000000000 00000 n \n")
			for k, v := 9, offs[n]; k >= 0; k-- {
				e[k] = byte('0' + v%10)
				v /= 10
			}
			pdf = append(pdf, e[:]...)
		}
		i = j
	}
	pdf = append(pdf, "trailer\n<< /Size "...)
	pdf = strconv.AppendInt(pdf, int64(size), 10)
	pdf = append(pdf, " /Root "...)
	pdf = strconv.AppendInt(pdf, int64(t.root), 10)
	pdf = append(pdf, " 0 R"...)
	if t.info > 0 {
		pdf = append(pdf, " /Info "...)
		pdf = strconv.AppendInt(pdf, int64(t.info), 10)
		pdf = append(pdf, " 0 R"...)
	}
	if t.id[0] != nil {
		pdf = append(pdf, " /ID [<"...)
		pdf = hex.AppendEncode(pdf, t.id[0])
		pdf = append(pdf, "> <"...)
		pdf = hex.AppendEncode(pdf, t.id[1])
		pdf = append(pdf, ">]"...)
	}
	pdf = append(pdf, " /Prev "...)
	pdf = strconv.AppendInt(pdf, t.xref, 10)
	pdf = append(pdf, " >>\nstartxref\n"...)
	pdf = strconv.AppendInt(pdf, int64(xref), 10)
	pdf = append(pdf, "\n%%EOF\n"...)
	return pdf, offs
}
