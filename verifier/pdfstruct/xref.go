package pdfstruct

import (
	"bytes"
	"fmt"
)

// startxref returns the offset named by the last "startxref" keyword.
func (f *File) startxref() (int64, error) {
	i := bytes.LastIndex(f.data, []byte("startxref"))
	if i < 0 {
		return 0, fmt.Errorf("%w: no startxref", ErrMalformed)
	}
	p := &parser{buf: f.data, pos: i + len("startxref"), base: 0, f: f}
	p.skipSpace()
	off, ok := p.unsigned()
	if !ok || off >= int64(len(f.data)) {
		return 0, fmt.Errorf("%w: bad startxref value", ErrMalformed)
	}
	return off, nil
}

// readXrefChain reads the cross-reference section named by startxref and
// every older one reached through /Prev, newest entries winning.
func (f *File) readXrefChain() error {
	off, err := f.startxref()
	if err != nil {
		return err
	}
	visited := map[int64]bool{}
	for {
		if visited[off] {
			f.note("cross-reference /Prev loop")
			break
		}
		visited[off] = true
		if len(f.sections) >= f.lim.MaxSections {
			return fmt.Errorf("%w: more than %d cross-reference sections", ErrLimit, f.lim.MaxSections)
		}
		sec, err := f.readSection(off)
		if err != nil {
			return err
		}
		f.sections = append(f.sections, sec)
		if f.trailer == nil {
			f.trailer = Dict{}
		}
		for _, k := range []Name{"Root", "Info", "ID", "Encrypt", "Size"} {
			if _, ok := f.trailer[k]; !ok {
				if v, ok := sec.Trailer[k]; ok {
					f.trailer[k] = v
				}
			}
		}
		prev, ok := sec.Trailer.Int("Prev")
		if !ok {
			break
		}
		if prev < 0 || prev >= int64(len(f.data)) {
			return fmt.Errorf("%w: /Prev %d outside the file", ErrMalformed, prev)
		}
		off = prev
	}
	return nil
}

// setEntry records an entry unless a newer section already did.
func (f *File) setEntry(num int, e entry, sec *Revision) error {
	if num < 0 || num > f.lim.MaxObjects {
		return fmt.Errorf("%w: object number %d", ErrLimit, num)
	}
	sec.Objects = append(sec.Objects, num)
	x := Entry{Kind: int(e.kind)}
	switch e.kind {
	case 1:
		x.Offset = e.offset
	case 2:
		x.Stream = int(e.offset)
	}
	sec.Entries = append(sec.Entries, x)
	if _, ok := f.xref[num]; !ok {
		f.xref[num] = e
	}
	return f.tick()
}

// readSection reads one cross-reference table with its trailer, or one
// cross-reference stream, at off.
func (f *File) readSection(off int64) (Revision, error) {
	sec := Revision{XrefOffset: off, End: f.eofAfter(off)}
	p := &parser{buf: f.data, pos: int(off), base: 0, f: f}
	p.skipSpace()
	if p.peekKeyword("xref") {
		p.skipSpace()
		p.pos += len("xref")
		if err := f.readTable(p, &sec); err != nil {
			return sec, err
		}
		if x, ok := sec.Trailer.Int("XRefStm"); ok {
			// a hybrid file: the stream's entries complete the table's
			if x < 0 || x >= int64(len(f.data)) {
				return sec, fmt.Errorf("%w: /XRefStm outside the file", ErrMalformed)
			}
			if _, err := f.readXrefStream(x, &sec); err != nil {
				return sec, err
			}
		}
		return sec, nil
	}
	sec.Stream = true
	d, err := f.readXrefStream(int64(p.pos), &sec)
	if err != nil {
		return sec, err
	}
	sec.Trailer = d
	return sec, nil
}

func (f *File) readTable(p *parser, sec *Revision) error {
	for {
		p.skipSpace()
		if p.peekKeyword("trailer") {
			p.skipSpace()
			p.pos += len("trailer")
			o, err := p.object(0)
			if err != nil {
				return err
			}
			d, ok := o.(Dict)
			if !ok {
				return p.errorf("trailer is not a dictionary")
			}
			sec.Trailer = d
			return nil
		}
		start, ok1 := p.unsigned()
		p.skipSpace()
		count, ok2 := p.unsigned()
		if !ok1 || !ok2 {
			return p.errorf("bad cross-reference subsection header")
		}
		if start+count > int64(f.lim.MaxObjects)+1 {
			return fmt.Errorf("%w: cross-reference subsection %d %d", ErrLimit, start, count)
		}
		if count*18 > int64(len(f.data)-p.pos) {
			return p.errorf("cross-reference subsection longer than the file")
		}
		for i := int64(0); i < count; i++ {
			p.skipSpace()
			o, ok1 := p.unsigned()
			p.skipSpace()
			g, ok2 := p.unsigned()
			p.skipSpace()
			kw := p.keyword()
			if !ok1 || !ok2 || len(kw) != 1 || (kw[0] != 'n' && kw[0] != 'f') {
				return p.errorf("bad cross-reference entry")
			}
			num := int(start + i)
			e := entry{kind: 3}
			if kw[0] == 'n' {
				e = entry{kind: 1, offset: o, gen: int(g)}
				if o == 0 && num != 0 {
					// some writers mark unused numbers "n" at offset 0
					e = entry{kind: 3}
				}
			}
			if err := f.setEntry(num, e, sec); err != nil {
				return err
			}
		}
	}
}

// readXrefStream reads the cross-reference stream object at off and
// records its entries. It returns the stream dictionary.
func (f *File) readXrefStream(off int64, sec *Revision) (Dict, error) {
	o, err := f.objectAt(off, -1)
	if err != nil {
		return nil, err
	}
	s, ok := o.(*Stream)
	if !ok {
		return nil, fmt.Errorf("%w: no cross-reference at offset %d", ErrMalformed, off)
	}
	if t, _ := s.Dict.Name("Type"); t != "XRef" {
		return nil, fmt.Errorf("%w: stream at %d is not /Type /XRef", ErrMalformed, off)
	}
	w, ok := s.Dict["W"].(Array)
	if !ok || len(w) != 3 {
		return nil, fmt.Errorf("%w: bad /W in cross-reference stream", ErrMalformed)
	}
	var ws [3]int
	width := 0
	for i, x := range w {
		n, ok := x.(Int)
		if !ok || n < 0 || n > 8 {
			return nil, fmt.Errorf("%w: bad /W in cross-reference stream", ErrMalformed)
		}
		ws[i] = int(n)
		width += int(n)
	}
	if width == 0 {
		return nil, fmt.Errorf("%w: zero /W in cross-reference stream", ErrMalformed)
	}
	size, _ := s.Dict.Int("Size")
	index := Array{Int(0), Int(size)}
	if ix, ok := s.Dict["Index"].(Array); ok {
		index = ix
	}
	if len(index)%2 != 0 {
		return nil, fmt.Errorf("%w: odd /Index in cross-reference stream", ErrMalformed)
	}
	data, err := f.Decode(s)
	if err != nil {
		return nil, err
	}
	pos := 0
	for i := 0; i < len(index); i += 2 {
		start, ok1 := index[i].(Int)
		count, ok2 := index[i+1].(Int)
		if !ok1 || !ok2 || start < 0 || count < 0 || int64(start)+int64(count) > int64(f.lim.MaxObjects)+1 {
			return nil, fmt.Errorf("%w: bad /Index in cross-reference stream", ErrMalformed)
		}
		for j := int64(0); j < int64(count); j++ {
			if pos+width > len(data) {
				f.note("cross-reference stream shorter than its /Index")
				return s.Dict, nil
			}
			fields := [3]int64{1, 0, 0}
			for k := 0; k < 3; k++ {
				if ws[k] == 0 {
					continue
				}
				var v int64
				for b := 0; b < ws[k]; b++ {
					v = v<<8 | int64(data[pos])
					pos++
				}
				fields[k] = v
			}
			var e entry
			switch fields[0] {
			case 0:
				e = entry{kind: 3}
			case 1:
				e = entry{kind: 1, offset: fields[1], gen: int(fields[2] & 0xffff)}
			case 2:
				if fields[1] > int64(f.lim.MaxObjects) || fields[2] > int64(f.lim.MaxObjects) {
					return nil, fmt.Errorf("%w: bad compressed entry", ErrMalformed)
				}
				e = entry{kind: 2, offset: fields[1], gen: int(fields[2])}
			default:
				continue // unknown types are null references
			}
			if err := f.setEntry(int(int64(start)+j), e, sec); err != nil {
				return nil, err
			}
		}
	}
	return s.Dict, nil
}
