package pdfstruct

import (
	"bytes"
	"context"
	"fmt"
	"sort"
)

// entry is one cross-reference entry.
type entry struct {
	kind   byte  // 1 at offset, 2 in an object stream, 3 free
	offset int64 // kind 1: file offset; kind 2: object stream number
	gen    int   // kind 1: generation; kind 2: index in the stream
}

// Revision is one cross-reference section of the file with what it defines:
// the base revision and each incremental update (a linearized file has two
// sections for its base revision).
type Revision struct {
	// XrefOffset is where the section (table or stream object) starts.
	XrefOffset int64
	// Stream is true for a cross-reference stream, false for a table.
	Stream bool
	// End is the offset just past the first "%%EOF" after the section, or
	// -1 when there is none.
	End int64
	// Trailer is the section's trailer (the stream dictionary for streams).
	Trailer Dict
	// Objects lists the object numbers the section defines or frees.
	Objects []int
	// Entries are the section's cross-reference entries, parallel to
	// Objects.
	Entries []Entry
}

// Entry is one cross-reference entry as a section states it.
type Entry struct {
	// Kind is 1 for an object at Offset, 2 for an object in object stream
	// Stream, 3 for a free entry.
	Kind   int
	Offset int64
	Stream int
}

// File is a parsed PDF. See the package documentation for its limits.
type File struct {
	data []byte
	lim  Limits
	ctx  context.Context

	header   int // offset of "%PDF-"
	version  string
	xref     map[int]entry // by object number
	trailer  Dict
	sections []Revision // in chain order, newest first
	eofs     []int64    // offsets just past each "%%EOF"
	repaired bool
	notes    []string

	cache   map[int]Object
	busy    map[int]bool
	objstms map[int]*objStm
	scanned map[int]int64 // object number → offset of its last "N G obj" (repair index)
	decoded int64
	work    int64
	scratch *scratch // the parser's stack of array elements, while reading one
	// spans: where each object parsed at an offset ends and the keys it
	// repeats (InspectAt's answer), for the parses that depended on the
	// bytes alone (no indirect /Length); lengthRefs counts those lookups
	spans      map[int64]objSpan
	lengthRefs int
	ticks      int
	resolveDep int
}

// Open parses the file structure: header, startxref, the cross-reference
// chain and the trailer. Objects are parsed lazily. The context bounds the
// time spent now and in later calls on the File.
func Open(ctx context.Context, data []byte, lim Limits) (*File, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxFileSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), lim.MaxFileSize)
	}
	f := &File{data: data, lim: lim, ctx: ctx, xref: map[int]entry{}, cache: map[int]Object{}, busy: map[int]bool{}}
	f.header = bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-"))
	if f.header < 0 {
		return nil, fmt.Errorf("%w: no %%PDF header", ErrMalformed)
	}
	if f.header > 0 {
		f.note("header not at offset 0")
	}
	v := data[f.header+5:]
	n := 0
	for n < len(v) && n < 8 && (isDigit(v[n]) || v[n] == '.') {
		n++
	}
	f.version = string(v[:n])
	f.findEOFs()
	if err := f.readXrefChain(); err != nil {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrLimit, err)
		}
		f.note("cross-reference: " + err.Error())
		if err := f.repair(); err != nil {
			return nil, err
		}
	}
	if _, ok := f.trailer["Root"].(Ref); !ok {
		return nil, fmt.Errorf("%w: trailer has no /Root", ErrMalformed)
	}
	if _, err := f.Catalog(); err != nil && !f.repaired {
		f.note("catalog unreadable through the cross-reference: " + err.Error())
		if err := f.repair(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// Data returns the file's bytes.
func (f *File) Data() []byte { return f.data }

// Version returns the header version, e.g. "1.7".
func (f *File) Version() string { return f.version }

// Trailer returns the effective trailer (the newest one).
func (f *File) Trailer() Dict { return f.trailer }

// Repaired reports whether the cross-reference information was broken and
// objects were recovered by scanning the file.
func (f *File) Repaired() bool { return f.repaired }

// Notes lists the deviations from the PDF syntax that were tolerated.
func (f *File) Notes() []string { return f.notes }

func (f *File) note(s string) {
	if len(f.notes) < 32 {
		f.notes = append(f.notes, s)
	}
}

// Revisions returns the cross-reference sections ordered by file offset,
// oldest first. After a repair it holds one synthetic revision ending at
// the last "%%EOF".
func (f *File) Revisions() []Revision {
	out := append([]Revision(nil), f.sections...)
	sort.Slice(out, func(i, j int) bool { return out[i].XrefOffset < out[j].XrefOffset })
	return out
}

// EOFOffsets returns the offsets just past every "%%EOF" marker, ascending.
func (f *File) EOFOffsets() []int64 { return f.eofs }

// IsRevisionEnd reports whether off is the end of a revision: just past a
// "%%EOF" marker, optionally followed by one end-of-line (CR, LF or CRLF).
func (f *File) IsRevisionEnd(off int64) bool {
	for _, e := range f.eofs {
		if off == e {
			return true
		}
		rest := f.data[e:]
		if len(rest) >= 2 && rest[0] == '\r' && rest[1] == '\n' && off == e+2 {
			return true
		}
		if len(rest) >= 1 && (rest[0] == '\r' || rest[0] == '\n') && off == e+1 {
			return true
		}
	}
	return false
}

func (f *File) findEOFs() {
	marker := []byte("%%EOF")
	for i := 0; ; {
		j := bytes.Index(f.data[i:], marker)
		if j < 0 {
			return
		}
		i += j + len(marker)
		f.eofs = append(f.eofs, int64(i))
		if len(f.eofs) > f.lim.MaxSections {
			return
		}
	}
}

// eofAfter returns the end of the first "%%EOF" at or after off, or -1.
func (f *File) eofAfter(off int64) int64 {
	i := sort.Search(len(f.eofs), func(i int) bool { return f.eofs[i]-5 >= off })
	if i == len(f.eofs) {
		return -1
	}
	return f.eofs[i]
}

// tick charges one unit of work and checks the context now and then.
func (f *File) tick() error {
	f.ticks++
	if f.ticks&1023 == 0 && f.ctx != nil {
		if err := f.ctx.Err(); err != nil {
			return fmt.Errorf("%w: %v", ErrLimit, err)
		}
	}
	return nil
}

// charge accounts n bytes of lexing work against Limits.MaxWork, so that
// crafted files cannot make repeated scans quadratic.
func (f *File) charge(n int) error {
	f.work += int64(n)
	if f.work > f.lim.MaxWork {
		return fmt.Errorf("%w: parsing work above %d bytes", ErrLimit, f.lim.MaxWork)
	}
	return nil
}

// Catalog returns the document catalog (trailer /Root).
func (f *File) Catalog() (Dict, error) {
	o, err := f.Resolve(f.trailer["Root"])
	if err != nil {
		return nil, err
	}
	d, ok := o.(Dict)
	if !ok {
		return nil, fmt.Errorf("%w: /Root is not a dictionary", ErrMalformed)
	}
	return d, nil
}

// Resolve follows indirect references (a chain of them, bounded) and
// returns the direct object. A reference to a missing or free object
// resolves to Null, as the PDF specification says.
func (f *File) Resolve(o Object) (Object, error) {
	for i := 0; i < 16; i++ {
		r, ok := o.(Ref)
		if !ok {
			return o, nil
		}
		var err error
		o, err = f.Object(r.Num)
		if err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: reference chain too long", ErrMalformed)
}

// resolveQuiet resolves o and turns errors into nil.
func (f *File) resolveQuiet(o Object) Object {
	r, err := f.Resolve(o)
	if err != nil {
		return nil
	}
	return r
}

// resolveLength resolves an indirect /Length, refusing recursion.
func (f *File) resolveLength(r Ref) (Object, error) {
	f.lengthRefs++
	return f.Object(r.Num)
}

// Object returns the current version of object num (Null when free or
// absent).
func (f *File) Object(num int) (Object, error) {
	if num < 0 || num > f.lim.MaxObjects {
		return Null{}, nil
	}
	if o, ok := f.cache[num]; ok {
		return o, nil
	}
	if f.busy[num] {
		return nil, fmt.Errorf("%w: object %d refers to itself while loading", ErrMalformed, num)
	}
	if f.resolveDep > 8 {
		return nil, fmt.Errorf("%w: object loading nested too deep", ErrLimit)
	}
	if err := f.tick(); err != nil {
		return nil, err
	}
	f.busy[num] = true
	f.resolveDep++
	o, err := f.load(num)
	f.resolveDep--
	delete(f.busy, num)
	if err != nil {
		return nil, err
	}
	f.cache[num] = o
	return o, nil
}

func (f *File) load(num int) (Object, error) {
	e, ok := f.xref[num]
	if !ok {
		return Null{}, nil
	}
	switch e.kind {
	case 1:
		o, err := f.objectAt(e.offset, num)
		if err == nil {
			return o, nil
		}
		// a wrong offset: look the object up in the scan index
		off, ok := f.scanIndex()[num]
		if !ok || off == e.offset {
			return nil, err
		}
		f.note(fmt.Sprintf("object %d not at its cross-reference offset", num))
		f.repaired = true
		return f.objectAt(off, num)
	case 2:
		return f.fromObjStm(int(e.offset), e.gen, num)
	}
	return Null{}, nil
}

// ObjectOffset returns the file offset of object num when it is stored
// directly in the file (not in an object stream).
func (f *File) ObjectOffset(num int) (int64, bool) {
	e, ok := f.xref[num]
	if !ok || e.kind != 1 {
		return 0, false
	}
	return e.offset, true
}

// objectAt parses the indirect object "num gen obj … endobj" at off.
func (f *File) objectAt(off int64, want int) (Object, error) {
	if off < 0 || off >= int64(len(f.data)) {
		return nil, fmt.Errorf("%w: object %d offset %d outside the file", ErrMalformed, want, off)
	}
	var dups []Name
	p := &parser{buf: f.data, pos: int(off), base: 0, f: f, dups: &dups}
	num, _, err := p.indirectHeader()
	if err != nil {
		return nil, err
	}
	if want >= 0 && num != int64(want) {
		return nil, fmt.Errorf("%w: object %d found where %d was expected", ErrMalformed, num, want)
	}
	refs := f.lengthRefs
	o, err := p.object(0)
	if err != nil {
		return nil, err
	}
	if d, ok := o.(Dict); ok && p.peekKeyword("stream") {
		p.skipSpace()
		p.pos += len("stream")
		s, err := p.streamAfter(d)
		if err != nil {
			return nil, err
		}
		o = s
	}
	if f.lengthRefs == refs {
		f.recordSpan(off, p, dups)
	}
	return o, nil
}

// objSpan is what InspectAt reports for an object: its end and the keys
// it repeats.
type objSpan struct {
	end  int64
	dups []Name
}

// recordSpan notes where the object parsed from off by p ends (past its
// "endobj" when present), as InspectAt would find it.
func (f *File) recordSpan(off int64, p *parser, dups []Name) {
	if p.peekKeyword("endobj") {
		p.skipSpace()
		p.pos += len("endobj")
	}
	if f.spans == nil {
		f.spans = map[int64]objSpan{}
	}
	f.spans[off] = objSpan{end: int64(p.pos), dups: dups}
}

// ParseObjectAt parses the indirect object that starts at file offset off
// ("N G obj"), whatever the cross-reference says, and returns its number
// and value. Strings in it carry their file offsets.
func (f *File) ParseObjectAt(off int64) (int, Object, error) {
	if off < 0 || off >= int64(len(f.data)) {
		return 0, nil, fmt.Errorf("%w: offset %d outside the file", ErrMalformed, off)
	}
	p := &parser{buf: f.data, pos: int(off), base: 0, f: f}
	num, _, err := p.indirectHeader()
	if err != nil {
		return 0, nil, err
	}
	o, err := f.objectAt(off, int(num))
	return int(num), o, err
}
