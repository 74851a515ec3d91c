package pdfstruct

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
)

// isSpace reports PDF white-space characters.
func isSpace(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

// isDelim reports PDF delimiter characters.
func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isRegular(c byte) bool { return !isSpace(c) && !isDelim(c) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Classes of the bytes in a hexadecimal string.
const (
	hexBad = iota
	hexSpace
	hexDigit
)

var hexClass = func() (t [256]byte) {
	for c := 0; c < 256; c++ {
		switch {
		case isSpace(byte(c)):
			t[c] = hexSpace
		case isDigit(byte(c)) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'):
			t[c] = hexDigit
		}
	}
	return t
}()

// parser reads objects from buf. base is the file offset of buf[0], or -1
// when buf is not the file (a decoded object stream).
type parser struct {
	buf  []byte
	pos  int
	base int64
	f    *File
	// dups, when set, collects keys that occur twice in one dictionary.
	dups *[]Name
	// skim: hex strings are checked but not decoded (their Value is nil).
	skim bool
}

func (p *parser) errorf(format string, args ...any) error {
	where := int64(p.pos)
	if p.base >= 0 {
		where += p.base
	}
	return fmt.Errorf("%w: "+format+" (at %d)", append([]any{ErrMalformed}, append(args, where)...)...)
}

// skipSpace skips white space and comments.
func (p *parser) skipSpace() {
	for p.pos < len(p.buf) {
		c := p.buf[p.pos]
		if isSpace(c) {
			p.pos++
			continue
		}
		if c == '%' {
			for p.pos < len(p.buf) && p.buf[p.pos] != '\n' && p.buf[p.pos] != '\r' {
				p.pos++
			}
			continue
		}
		return
	}
}

// keyword reads a run of regular characters at the current position.
func (p *parser) keyword() []byte {
	start := p.pos
	for p.pos < len(p.buf) && isRegular(p.buf[p.pos]) {
		p.pos++
	}
	return p.buf[start:p.pos]
}

// peekKeyword reports whether kw follows (after white space), without consuming it.
func (p *parser) peekKeyword(kw string) bool {
	save := p.pos
	p.skipSpace()
	k := p.keyword()
	p.pos = save
	return string(k) == kw
}

// expectKeyword consumes kw (after white space) or fails.
func (p *parser) expectKeyword(kw string) error {
	p.skipSpace()
	if k := p.keyword(); string(k) != kw {
		return p.errorf("expected %q, found %q", kw, truncate(k))
	}
	return nil
}

func truncate(b []byte) string {
	if len(b) > 20 {
		b = b[:20]
	}
	return string(b)
}

// unsigned reads a non-negative decimal integer of at most 18 digits.
func (p *parser) unsigned() (int64, bool) {
	start := p.pos
	for p.pos < len(p.buf) && isDigit(p.buf[p.pos]) {
		p.pos++
	}
	if p.pos == start || p.pos-start > 18 {
		p.pos = start
		return 0, false
	}
	if p.pos < len(p.buf) && isRegular(p.buf[p.pos]) {
		p.pos = start
		return 0, false
	}
	n, ok := parseDecimal(p.buf[start:p.pos])
	if !ok {
		p.pos = start
		return 0, false
	}
	return n, true
}

// object reads one direct object (no "obj" wrapper, no stream).
func (p *parser) object(depth int) (Object, error) {
	if depth > p.f.lim.MaxDepth {
		return nil, fmt.Errorf("%w: nesting deeper than %d", ErrLimit, p.f.lim.MaxDepth)
	}
	if err := p.f.tick(); err != nil {
		return nil, err
	}
	if p.f.work > p.f.lim.MaxWork {
		return nil, fmt.Errorf("%w: parsing work above %d bytes", ErrLimit, p.f.lim.MaxWork)
	}
	p.skipSpace()
	if p.pos >= len(p.buf) {
		return nil, p.errorf("unexpected end of data")
	}
	c := p.buf[p.pos]
	switch {
	case c == '/':
		p.pos++
		return p.name()
	case c == '(':
		return p.literalString()
	case c == '<':
		if p.pos+1 < len(p.buf) && p.buf[p.pos+1] == '<' {
			p.pos += 2
			return p.dict(depth)
		}
		return p.hexString()
	case c == '[':
		p.pos++
		return p.array(depth)
	case c == '+' || c == '-' || c == '.' || isDigit(c):
		return p.number()
	case isRegular(c):
		k := p.keyword()
		switch string(k) {
		case "true":
			return Bool(true), nil
		case "false":
			return Bool(false), nil
		case "null":
			return Null{}, nil
		}
		p.pos -= len(k)
		return nil, p.errorf("unexpected keyword %q", truncate(k))
	}
	return nil, p.errorf("unexpected character %q", c)
}

func (p *parser) name() (Object, error) {
	start := p.pos
	var out []byte
	for p.pos < len(p.buf) && isRegular(p.buf[p.pos]) {
		c := p.buf[p.pos]
		if c == '#' && p.pos+2 < len(p.buf) {
			if h, ok := unhex2(p.buf[p.pos+1], p.buf[p.pos+2]); ok {
				if out == nil {
					out = append([]byte{}, p.buf[start:p.pos]...)
				}
				out = append(out, h)
				p.pos += 3
				continue
			}
		}
		if out != nil {
			out = append(out, c)
		}
		p.pos++
	}
	if out != nil {
		return Name(out), nil
	}
	return nameObject(p.buf[start:p.pos]), nil
}

func unhexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func unhex2(a, b byte) (byte, bool) {
	x, ok1 := unhexDigit(a)
	y, ok2 := unhexDigit(b)
	return x<<4 | y, ok1 && ok2
}

func (p *parser) offset(pos int) int64 {
	if p.base < 0 {
		return -1
	}
	return p.base + int64(pos)
}

func (p *parser) hexString() (Object, error) {
	start := p.pos
	p.pos++ // '<'
	if p.skim {
		for p.pos < len(p.buf) && p.buf[p.pos] != '>' {
			if c := p.buf[p.pos]; hexClass[c] == hexBad {
				return nil, p.errorf("bad character %q in hex string", c)
			}
			p.pos++
		}
		if p.pos >= len(p.buf) {
			return nil, p.errorf("unterminated hex string")
		}
		p.pos++
		if err := p.f.charge(p.pos - start); err != nil {
			return nil, err
		}
		return String{Hex: true, Start: p.offset(start), End: p.offset(p.pos)}, nil
	}
	size := 64
	if i := bytes.IndexByte(p.buf[p.pos:], '>'); i > 0 {
		size = i/2 + 1
		// the usual case, digits only and an even number of them
		if seg := p.buf[p.pos : p.pos+i]; i%2 == 0 {
			out := make([]byte, i/2)
			if _, err := hex.Decode(out, seg); err == nil {
				p.pos += i + 1
				if err := p.f.charge(p.pos - start); err != nil {
					return nil, err
				}
				return String{Value: out, Hex: true, Start: p.offset(start), End: p.offset(p.pos)}, nil
			}
		}
	}
	out := make([]byte, 0, size)
	var hi byte
	half := false
	for {
		if p.pos >= len(p.buf) {
			_ = p.f.charge(p.pos - start)
			return nil, p.errorf("unterminated hex string")
		}
		c := p.buf[p.pos]
		p.pos++
		if c == '>' {
			break
		}
		if isSpace(c) {
			continue
		}
		v, ok := unhexDigit(c)
		if !ok {
			return nil, p.errorf("bad character %q in hex string", c)
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if err := p.f.charge(p.pos - start); err != nil {
		return nil, err
	}
	if half {
		out = append(out, hi<<4)
	}
	return String{Value: out, Hex: true, Start: p.offset(start), End: p.offset(p.pos)}, nil
}

func (p *parser) literalString() (Object, error) {
	start := p.pos
	p.pos++ // '('
	var out []byte
	level := 1
	for {
		if p.pos >= len(p.buf) {
			_ = p.f.charge(p.pos - start)
			return nil, p.errorf("unterminated string")
		}
		c := p.buf[p.pos]
		p.pos++
		switch c {
		case '(':
			level++
		case ')':
			level--
			if level == 0 {
				if err := p.f.charge(p.pos - start); err != nil {
					return nil, err
				}
				return String{Value: out, Start: p.offset(start), End: p.offset(p.pos)}, nil
			}
		case '\r':
			if p.pos < len(p.buf) && p.buf[p.pos] == '\n' {
				p.pos++
			}
			c = '\n'
		case '\\':
			if p.pos >= len(p.buf) {
				return nil, p.errorf("unterminated string")
			}
			e := p.buf[p.pos]
			p.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if p.pos < len(p.buf) && p.buf[p.pos] == '\n' {
					p.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for i := 0; i < 2 && p.pos < len(p.buf) && p.buf[p.pos] >= '0' && p.buf[p.pos] <= '7'; i++ {
						v = v*8 + int(p.buf[p.pos]-'0')
						p.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
}

func (p *parser) number() (Object, error) {
	start := p.pos
	if c := p.buf[p.pos]; c == '+' || c == '-' {
		p.pos++
	}
	digits, dot := 0, false
	for p.pos < len(p.buf) {
		c := p.buf[p.pos]
		if isDigit(c) {
			digits++
		} else if c == '.' && !dot {
			dot = true
		} else {
			break
		}
		p.pos++
	}
	tok := p.buf[start:p.pos]
	if digits == 0 {
		return nil, p.errorf("bad number %q", truncate(tok))
	}
	if !dot {
		n, ok := parseDecimal(tok)
		if !ok {
			var err error
			n, err = strconv.ParseInt(string(tok), 10, 64)
			if err != nil {
				// out of range: keep it as a real, like other readers do
				r, _ := strconv.ParseFloat(string(tok), 64)
				return Real(r), nil
			}
		}
		if n >= 0 && tok[0] != '+' {
			if ref, ok := p.refAfter(n); ok {
				return refObject(ref), nil
			}
		}
		return intObject(n), nil
	}
	if r, ok := parseShortReal(tok); ok {
		return Real(r), nil
	}
	r, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return Real(0), nil
	}
	return Real(r), nil
}

// refAfter checks whether "gen R" follows num, and consumes it if so.
func (p *parser) refAfter(num int64) (Ref, bool) {
	save := p.pos
	p.skipSpace()
	gen, ok := p.unsigned()
	if ok {
		p.skipSpace()
		if p.pos < len(p.buf) && p.buf[p.pos] == 'R' && (p.pos+1 == len(p.buf) || !isRegular(p.buf[p.pos+1])) {
			p.pos++
			if num <= int64(p.f.lim.MaxObjects) && gen <= 65535 {
				return Ref{Num: int(num), Gen: int(gen)}, true
			}
			return Ref{Num: -1}, true // an unresolvable reference, read as null
		}
	}
	p.pos = save
	return Ref{}, false
}

// array reads the elements onto the File's scratch stack (nested arrays
// stack theirs above) and copies them out once, so that a long array
// costs one allocation of its exact size.
func (p *parser) array(depth int) (Object, error) {
	outer := p.f.scratch == nil
	if outer {
		p.f.scratch = scratchPool.Get().(*scratch)
	}
	sc := p.f.scratch
	base := len(sc.s)
	defer func() {
		clear(sc.s[base:])
		sc.s = sc.s[:base]
		if outer {
			p.f.scratch = nil
			sc.put()
		}
	}()
	for {
		p.skipSpace()
		if p.pos >= len(p.buf) {
			return nil, p.errorf("unterminated array")
		}
		if p.buf[p.pos] == ']' {
			p.pos++
			arr := make(Array, len(sc.s)-base)
			copy(arr, sc.s[base:])
			return arr, nil
		}
		o, err := p.object(depth + 1)
		if err != nil {
			return nil, err
		}
		sc.s = append(sc.s, o)
	}
}

// scratch holds the stacks of array elements and dictionary entries
// being read.
type scratch struct {
	s  []Object
	kv []entryKV
}

// put returns sc to the pool unless a large object made it large.
func (sc *scratch) put() {
	if cap(sc.s) <= maxPooledScratch && cap(sc.kv) <= maxPooledScratch {
		scratchPool.Put(sc)
	}
}

// maxPooledScratch bounds the stacks kept for reuse.
const maxPooledScratch = 1 << 14

var scratchPool = sync.Pool{New: func() any {
	return &scratch{s: make([]Object, 0, 256), kv: make([]entryKV, 0, 64)}
}}

// dict reads the entries onto the File's scratch stack and builds the map
// once, at its size; a dictionary with more than smallDict entries moves
// to a map while it is read (repeated keys are looked up linearly on the
// stack until then).
func (p *parser) dict(depth int) (Object, error) {
	outer := p.f.scratch == nil
	if outer {
		p.f.scratch = scratchPool.Get().(*scratch)
	}
	sc := p.f.scratch
	base := len(sc.kv)
	defer func() {
		clear(sc.kv[base:])
		sc.kv = sc.kv[:base]
		if outer {
			p.f.scratch = nil
			sc.put()
		}
	}()
	var d Dict // set once the dictionary outgrows the stack
	for {
		p.skipSpace()
		if p.pos >= len(p.buf) {
			return nil, p.errorf("unterminated dictionary")
		}
		if p.buf[p.pos] == '>' {
			if p.pos+1 < len(p.buf) && p.buf[p.pos+1] == '>' {
				p.pos += 2
				if d == nil {
					d = make(Dict, len(sc.kv)-base)
					for _, e := range sc.kv[base:] {
						d[e.k] = e.v
					}
				}
				return d, nil
			}
			return nil, p.errorf("bad dictionary end")
		}
		if p.buf[p.pos] != '/' {
			return nil, p.errorf("dictionary key is not a name")
		}
		p.pos++
		ko, err := p.name()
		if err != nil {
			return nil, err
		}
		k := ko.(Name)
		p.skipSpace()
		var v Object = Null{} // a key without a value
		if !(p.pos+1 < len(p.buf) && p.buf[p.pos] == '>' && p.buf[p.pos+1] == '>') {
			seen := false
			if d != nil {
				_, seen = d[k]
			} else {
				for _, e := range sc.kv[base:] {
					if e.k == k {
						seen = true
						break
					}
				}
			}
			if seen && p.dups != nil && len(*p.dups) < 64 {
				*p.dups = append(*p.dups, k)
			}
			if v, err = p.object(depth + 1); err != nil {
				return nil, err
			}
		}
		if d != nil {
			d[k] = v
			continue
		}
		sc.kv = append(sc.kv, entryKV{k, v})
		if len(sc.kv)-base > smallDict {
			d = make(Dict, 2*smallDict)
			for _, e := range sc.kv[base:] {
				d[e.k] = e.v
			}
		}
	}
}

// smallDict bounds the dictionary entries kept on the stack while read.
const smallDict = 16

// entryKV is a dictionary entry being read.
type entryKV struct {
	k Name
	v Object
}

// indirectHeader reads "num gen obj" at the current position.
func (p *parser) indirectHeader() (num, gen int64, err error) {
	p.skipSpace()
	n, ok := p.unsigned()
	if !ok {
		return 0, 0, p.errorf("expected object number")
	}
	p.skipSpace()
	g, ok := p.unsigned()
	if !ok {
		return 0, 0, p.errorf("expected generation number")
	}
	if err := p.expectKeyword("obj"); err != nil {
		return 0, 0, err
	}
	return n, g, nil
}

var endstreamKW = []byte("endstream")

// streamAfter reads the stream data that follows dictionary d, positioned
// just after the "stream" keyword. length resolves /Length.
func (p *parser) streamAfter(d Dict) (*Stream, error) {
	// the keyword is followed by CRLF or LF (a lone CR is tolerated)
	if p.pos < len(p.buf) && p.buf[p.pos] == '\r' {
		p.pos++
	}
	if p.pos < len(p.buf) && p.buf[p.pos] == '\n' {
		p.pos++
	}
	start := p.pos
	length := int64(-1)
	switch l := d["Length"].(type) {
	case Int:
		length = int64(l)
	case Ref:
		if o, err := p.f.resolveLength(l); err == nil {
			if n, ok := o.(Int); ok {
				length = int64(n)
			}
		}
	}
	if length >= 0 && int64(start)+length <= int64(len(p.buf)) {
		end := start + int(length)
		q := parser{buf: p.buf, pos: end, base: p.base, f: p.f}
		if q.peekKeyword("endstream") {
			q.skipSpace()
			q.pos += len(endstreamKW)
			p.pos = q.pos
			return &Stream{Dict: d, Raw: p.buf[start:end:end], Offset: p.offset(start)}, nil
		}
	}
	// /Length missing or wrong: find "endstream" and trim the EOL before it
	i := bytes.Index(p.buf[start:], endstreamKW)
	if i < 0 {
		_ = p.f.charge(len(p.buf) - start)
		return nil, p.errorf("stream without endstream")
	}
	if err := p.f.charge(i); err != nil {
		return nil, err
	}
	if i < 0 {
		return nil, p.errorf("stream without endstream")
	}
	end := start + i
	if end > start && p.buf[end-1] == '\n' {
		end--
	}
	if end > start && p.buf[end-1] == '\r' {
		end--
	}
	p.f.note("stream /Length wrong or missing")
	p.pos = start + i + len(endstreamKW)
	return &Stream{Dict: d, Raw: p.buf[start:end:end], Offset: p.offset(start)}, nil
}
