package pdfstruct

import "fmt"

// objStm is a decoded object stream.
type objStm struct {
	data []byte
	nums []int
	offs []int
}

func (f *File) loadObjStm(num int) (*objStm, error) {
	if st, ok := f.objstms[num]; ok {
		if st == nil {
			return nil, fmt.Errorf("%w: object stream %d unreadable", ErrMalformed, num)
		}
		return st, nil
	}
	if f.objstms == nil {
		f.objstms = map[int]*objStm{}
	}
	f.objstms[num] = nil
	if e, ok := f.xref[num]; ok && e.kind != 1 {
		return nil, fmt.Errorf("%w: object stream %d is not stored in the file", ErrMalformed, num)
	}
	o, err := f.Object(num)
	if err != nil {
		return nil, err
	}
	s, ok := o.(*Stream)
	if !ok {
		return nil, fmt.Errorf("%w: object %d is not an object stream", ErrMalformed, num)
	}
	if t, _ := s.Dict.Name("Type"); t != "ObjStm" {
		return nil, fmt.Errorf("%w: object %d is not /Type /ObjStm", ErrMalformed, num)
	}
	n, ok1 := s.Dict.Int("N")
	first, ok2 := s.Dict.Int("First")
	if !ok1 || !ok2 || n < 0 || first < 0 || n > int64(f.lim.MaxObjects) {
		return nil, fmt.Errorf("%w: object stream %d: bad /N or /First", ErrMalformed, num)
	}
	data, err := f.Decode(s)
	if err != nil {
		return nil, err
	}
	if first > int64(len(data)) || n*4 > int64(len(data))+4 {
		return nil, fmt.Errorf("%w: object stream %d: /N or /First beyond its data", ErrMalformed, num)
	}
	st := &objStm{data: data[first:]}
	p := &parser{buf: data[:first], base: -1, f: f}
	for i := int64(0); i < n; i++ {
		p.skipSpace()
		on, ok1 := p.unsigned()
		p.skipSpace()
		oo, ok2 := p.unsigned()
		if !ok1 || !ok2 || oo > int64(len(st.data)) {
			return nil, fmt.Errorf("%w: object stream %d: bad header", ErrMalformed, num)
		}
		st.nums = append(st.nums, int(on))
		st.offs = append(st.offs, int(oo))
		if err := f.tick(); err != nil {
			return nil, err
		}
	}
	f.objstms[num] = st
	return st, nil
}

// fromObjStm reads object want, stored at index idx of object stream stm.
func (f *File) fromObjStm(stm, idx, want int) (Object, error) {
	st, err := f.loadObjStm(stm)
	if err != nil {
		return nil, err
	}
	if idx < 0 || idx >= len(st.nums) || st.nums[idx] != want {
		idx = -1
		for i, n := range st.nums {
			if n == want {
				idx = i
				break
			}
		}
		if idx < 0 {
			return nil, fmt.Errorf("%w: object %d not in object stream %d", ErrMalformed, want, stm)
		}
	}
	p := &parser{buf: st.data, pos: st.offs[idx], base: -1, f: f}
	return p.object(0)
}

// ObjStmMembers returns the object numbers stored in object stream num.
func (f *File) ObjStmMembers(num int) ([]int, error) {
	st, err := f.loadObjStm(num)
	if err != nil {
		return nil, err
	}
	return st.nums, nil
}
