package pdfstruct

import (
	"bytes"
	"fmt"
	"sort"
)

// scanIndex finds every "N G obj" header in the file, the last one of a
// number winning. It is built once, on first need.
func (f *File) scanIndex() map[int]int64 {
	if f.scanned != nil {
		return f.scanned
	}
	f.scanned = map[int]int64{}
	kw := []byte("obj")
	for i := 0; ; {
		j := bytes.Index(f.data[i:], kw)
		if j < 0 {
			break
		}
		at := i + j
		i = at + len(kw)
		if f.tick() != nil || len(f.scanned) > f.lim.MaxObjects {
			break
		}
		if i < len(f.data) && isRegular(f.data[i]) {
			continue
		}
		k, ok := f.headerStart(at)
		if !ok {
			continue
		}
		p := &parser{buf: f.data, pos: k, base: 0, f: f}
		num, _, err := p.indirectHeader()
		if err != nil || num > int64(f.lim.MaxObjects) {
			continue
		}
		f.scanned[int(num)] = int64(k)
	}
	return f.scanned
}

// headerStart returns where the "N G obj" header whose keyword is at at
// starts, if the bytes before at are one.
func (f *File) headerStart(at int) (int, bool) {
	if at < len(f.data)-3 && isRegular(f.data[at+3]) {
		return 0, false
	}
	// backwards: spaces, generation, spaces, number
	k := at
	if k == 0 || !isSpace(f.data[k-1]) {
		return 0, false
	}
	for k > 0 && isSpace(f.data[k-1]) {
		k--
	}
	g := k
	for k > 0 && isDigit(f.data[k-1]) {
		k--
	}
	if k == g || k == 0 || !isSpace(f.data[k-1]) {
		return 0, false
	}
	for k > 0 && isSpace(f.data[k-1]) {
		k--
	}
	n := k
	for k > 0 && isDigit(f.data[k-1]) && n-k < 10 {
		k--
	}
	if k == n || (k > 0 && isRegular(f.data[k-1])) {
		return 0, false
	}
	return k, true
}

// repair rebuilds the cross-reference from a scan of the file.
func (f *File) repair() error {
	f.repaired = true
	f.xref = map[int]entry{}
	f.cache = map[int]Object{}
	f.objstms = nil
	idx := f.scanIndex()
	if len(idx) == 0 {
		return fmt.Errorf("%w: no objects found", ErrMalformed)
	}
	nums := make([]int, 0, len(idx))
	for n, off := range idx {
		f.xref[n] = entry{kind: 1, offset: off}
		nums = append(nums, n)
	}
	sort.Ints(nums)
	trailer := f.trailer
	if trailer == nil {
		trailer = Dict{}
	}
	// objects of object streams, and trailer candidates from xref streams
	var catalog Ref
	for _, n := range nums {
		if f.ctx != nil && f.ctx.Err() != nil {
			return fmt.Errorf("%w: %v", ErrLimit, f.ctx.Err())
		}
		o, err := f.Object(n)
		if err != nil {
			continue
		}
		var d Dict
		switch v := o.(type) {
		case Dict:
			d = v
		case *Stream:
			d = v.Dict
		}
		switch t, _ := d.Name("Type"); t {
		case "ObjStm":
			members, err := f.ObjStmMembers(n)
			if err != nil {
				continue
			}
			for i, m := range members {
				if _, ok := f.xref[m]; !ok && m <= f.lim.MaxObjects {
					f.xref[m] = entry{kind: 2, offset: int64(n), gen: i}
				}
			}
		case "XRef":
			if _, ok := d["Root"].(Ref); ok {
				trailer = mergeTrailer(trailer, d)
			}
		case "Catalog":
			catalog = Ref{Num: n}
		}
	}
	// the last classic trailer wins over stream dictionaries
	kw := []byte("trailer")
	if i := bytes.LastIndex(f.data, kw); i >= 0 {
		p := &parser{buf: f.data, pos: i + len(kw), base: 0, f: f}
		if o, err := p.object(0); err == nil {
			if d, ok := o.(Dict); ok {
				if _, ok := d["Root"].(Ref); ok {
					trailer = mergeTrailer(Dict{}, d)
				}
			}
		}
	}
	if _, ok := trailer["Root"].(Ref); !ok && catalog.Num > 0 {
		trailer["Root"] = catalog
	}
	f.trailer = trailer
	return nil
}

func mergeTrailer(dst, src Dict) Dict {
	for _, k := range []Name{"Root", "Info", "ID", "Encrypt", "Size"} {
		if v, ok := src[k]; ok {
			dst[k] = v
		}
	}
	return dst
}

// ObjectNumbers returns the numbers of all objects in use, ascending.
func (f *File) ObjectNumbers() []int {
	out := make([]int, 0, len(f.xref))
	for n, e := range f.xref {
		if e.kind == 1 || e.kind == 2 {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

// InObjStm reports whether object num is stored in an object stream, and
// which one.
func (f *File) InObjStm(num int) (int, bool) {
	e, ok := f.xref[num]
	if !ok || e.kind != 2 {
		return 0, false
	}
	return int(e.offset), true
}
