package pdfstruct

import (
	"bytes"
	"fmt"
	"sort"
)

// ObjectHeader is an indirect object found by scanning the bytes of the
// file rather than through the cross-reference information.
type ObjectHeader struct {
	Num    int
	Gen    int
	Offset int64 // where "N G obj" starts
	End    int64 // just past the object (its "endobj" when present)
	// Dups are the dictionary keys the object repeats, as InspectAt
	// reports them.
	Dups []Name
}

// ObjectsIn scans the bytes [start, end) for indirect objects "N G obj …",
// in file order. Each candidate is parsed; stream data is skipped, so bytes
// inside a stream are never taken for an object. At most max objects are
// returned (max <= 0: the MaxObjects limit).
func (f *File) ObjectsIn(start, end int64, max int) []ObjectHeader {
	if start < 0 {
		start = 0
	}
	if end > int64(len(f.data)) {
		end = int64(len(f.data))
	}
	if max <= 0 {
		max = f.lim.MaxObjects
	}
	var out []ObjectHeader
	kw := []byte("obj")
	for i := int(start); i < int(end) && len(out) < max; {
		j := bytes.Index(f.data[i:end], kw)
		if j < 0 {
			break
		}
		at := i + j
		i = at + len(kw)
		if f.tick() != nil {
			break
		}
		k, ok := f.headerStart(at)
		if !ok || int64(k) < start {
			continue
		}
		var dups []Name
		p := &parser{buf: f.data, pos: k, base: 0, f: f, skim: true, dups: &dups}
		num, gen, err := p.indirectHeader()
		if err != nil || num > int64(f.lim.MaxObjects) || gen > 65535 {
			continue
		}
		objEnd, err := f.skimBody(p, int64(k), &dups)
		if err != nil {
			continue
		}
		out = append(out, ObjectHeader{Num: int(num), Gen: int(gen), Offset: int64(k), End: objEnd, Dups: dups})
		if int(objEnd) > i {
			i = int(objEnd)
		}
	}
	return out
}

// DuplicateKeysAt parses the indirect object at file offset off and returns
// the dictionary keys that occur more than once in one of its dictionaries
// (at any depth). A reader keeps only one of them, and readers differ in
// which.
func (f *File) DuplicateKeysAt(off int64) ([]Name, error) {
	_, dups, err := f.InspectAt(off)
	return dups, err
}

// ObjectEnd returns the offset just past the indirect object at off (past
// its "endobj" when present).
func (f *File) ObjectEnd(off int64) (int64, error) {
	end, _, err := f.InspectAt(off)
	return end, err
}

// InspectAt skims the indirect object at file offset off (hex strings are
// not decoded) and returns where it ends (past "endobj" when present) and
// the dictionary keys it repeats.
func (f *File) InspectAt(off int64) (end int64, dups []Name, err error) {
	if off < 0 || off >= int64(len(f.data)) {
		return 0, nil, fmt.Errorf("%w: offset %d outside the file", ErrMalformed, off)
	}
	p := &parser{buf: f.data, pos: int(off), base: 0, f: f, dups: &dups, skim: true}
	if _, _, err := p.indirectHeader(); err != nil {
		return 0, nil, err
	}
	end, err = f.skimBody(p, off, &dups)
	if err != nil {
		return 0, dups, err
	}
	return end, dups, nil
}

// skimBody reads the value of the indirect object at off whose header p
// has just read, skipping stream data, and returns where the object ends
// (past "endobj" when present), its repeated keys in *dups. A parse made
// before, the same way, answers from f.spans; a parse of the bytes alone
// (no indirect /Length) is kept there for the next scan or inspection.
func (f *File) skimBody(p *parser, off int64, dups *[]Name) (int64, error) {
	if s, ok := f.spans[off]; ok {
		*dups = s.dups
		return s.end, nil
	}
	refs := f.lengthRefs
	o, err := p.object(0)
	if err != nil {
		return 0, err
	}
	if d, ok := o.(Dict); ok && p.peekKeyword("stream") {
		p.skipSpace()
		p.pos += len("stream")
		if _, err := p.streamAfter(d); err != nil {
			return 0, err
		}
	}
	if f.lengthRefs == refs {
		f.recordSpan(off, p, *dups)
	} else if p.peekKeyword("endobj") {
		p.skipSpace()
		p.pos += len("endobj")
	}
	return int64(p.pos), nil
}

// ObjectNumberAt reads only the "N G obj" header at file offset off and
// returns N.
func (f *File) ObjectNumberAt(off int64) (int, error) {
	if off < 0 || off >= int64(len(f.data)) {
		return 0, fmt.Errorf("%w: offset %d outside the file", ErrMalformed, off)
	}
	p := &parser{buf: f.data, pos: int(off), base: 0, f: f}
	num, _, err := p.indirectHeader()
	return int(num), err
}

// EntryOf returns the effective cross-reference entry of object num.
func (f *File) EntryOf(num int) (Entry, bool) {
	e, ok := f.xref[num]
	if !ok {
		return Entry{}, false
	}
	x := Entry{Kind: int(e.kind)}
	switch e.kind {
	case 1:
		x.Offset = e.offset
	case 2:
		x.Stream = int(e.offset)
	}
	return x, true
}

// EntryNumbers returns every object number with a cross-reference entry,
// free ones included, ascending.
func (f *File) EntryNumbers() []int {
	out := make([]int, 0, len(f.xref))
	for n := range f.xref {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// DuplicateKeys is DuplicateKeysAt for the current version of object num,
// wherever it is stored (object streams included).
func (f *File) DuplicateKeys(num int) ([]Name, error) {
	e, ok := f.xref[num]
	switch {
	case !ok:
		return nil, nil
	case e.kind == 1:
		return f.DuplicateKeysAt(e.offset)
	case e.kind != 2:
		return nil, nil
	}
	st, err := f.loadObjStm(int(e.offset))
	if err != nil {
		return nil, err
	}
	idx := e.gen
	if idx < 0 || idx >= len(st.nums) || st.nums[idx] != num {
		return nil, fmt.Errorf("%w: object %d not at its index in object stream %d", ErrMalformed, num, e.offset)
	}
	var dups []Name
	p := &parser{buf: st.data, pos: st.offs[idx], base: -1, f: f, dups: &dups}
	_, err = p.object(0)
	return dups, err
}
