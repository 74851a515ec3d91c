package verifier

import (
	"bytes"
	"fmt"
	"sort"

	"sihub/verifier/pdfstruct"
)

// checkModifications decides, for each signature, whether the revisions
// after it changed the document, and whether the file ends with bytes no
// signature covers.
//
// Later revisions are allowed to add further signatures only: the new
// signature dictionary and the revision's cross-reference stream object
// (both new object numbers), and the signature field whose /V now points to
// the new dictionary (otherwise unchanged).
// Anything else, or bytes after the last signature, is a modification.
func (d *document) checkModifications(sigs []*sigRef, r *Report) {
	size := int64(len(d.data))
	lastEnd := int64(-1)
	for i, s := range sigs {
		if len(r.Signatures[i].ByteRange) == 4 && s.end <= size && s.end > lastEnd {
			lastEnd = s.end
		}
	}
	if lastEnd < 0 {
		return
	}
	tail := d.data[lastEnd:]
	unsignedTail := !onlySpace(tail)
	if unsignedTail {
		r.addError(ReasonNotWholeDocument, fmt.Sprintf("the last %d bytes of the file are covered by no signature", len(tail)))
	}
	revs := d.f.Revisions()
	for i, s := range sigs {
		rep := &r.Signatures[i]
		if len(rep.ByteRange) != 4 || s.end > size || onlySpace(d.data[s.end:]) {
			continue
		}
		seen := map[int]bool{}
		for _, rv := range revs {
			if rv.XrefOffset < s.end {
				continue
			}
			for _, n := range rv.Objects {
				if !seen[n] && n != 0 {
					seen[n] = true
					rep.ChangedObjects = append(rep.ChangedObjects, n)
				}
			}
		}
		sort.Ints(rep.ChangedObjects)
		if unsignedTail {
			rep.ModifiedAfterSigning = true
			rep.addError(ReasonModifiedAfterSigning, fmt.Sprintf("%d bytes follow the signed revision, and not all of them are signed", size-s.end))
			continue
		}
		if bad := d.disallowedChanges(s, sigs, revs, rep.ChangedObjects); len(bad) > 0 {
			rep.ModifiedAfterSigning = true
			rep.addError(ReasonModifiedAfterSigning, fmt.Sprintf("later revisions changed objects %v beyond adding signatures", bad))
		}
	}
}

// disallowedChanges returns the changed objects that adding the later
// signatures does not explain.
func (d *document) disallowedChanges(s *sigRef, sigs []*sigRef, revs []pdfstruct.Revision, changed []int) []int {
	allowed := map[int]bool{}
	fields := map[int]bool{}
	for _, o := range sigs {
		if o.end > s.end {
			if o.dictNo != 0 {
				allowed[o.dictNo] = true
			}
			if o.fieldNo != 0 {
				fields[o.fieldNo] = true
			}
		}
	}
	for _, rv := range revs {
		if rv.XrefOffset >= s.end && rv.Stream {
			if n, _, err := d.f.ParseObjectAt(rv.XrefOffset); err == nil {
				allowed[n] = true
			}
		}
	}
	var old *pdfstruct.File
	openOld := func() bool {
		if old == nil {
			f, err := pdfstruct.Open(d.ctx, d.data[:s.end], pdfstruct.Limits{})
			if err != nil {
				return false
			}
			old = f
		}
		return true
	}
	var bad []int
	for _, n := range changed {
		switch {
		case allowed[n]:
			// a new signature dictionary or cross-reference stream: it must
			// not replace an object of the signed revision
			if openOld() && isAbsent(old, n) {
				continue
			}
		case fields[n]:
			if openOld() && d.onlyValueAdded(old, n) {
				continue
			}
		}
		bad = append(bad, n)
	}
	return bad
}

// isAbsent reports whether object n is free or missing in f.
func isAbsent(f *pdfstruct.File, n int) bool {
	o, err := f.Object(n)
	if err != nil {
		return false
	}
	_, null := o.(pdfstruct.Null)
	return null
}

// onlyValueAdded reports whether field n is unchanged between old and the
// current file except for its /V.
func (d *document) onlyValueAdded(old *pdfstruct.File, n int) bool {
	was, err := old.Object(n)
	if err != nil {
		return false
	}
	before, ok1 := was.(pdfstruct.Dict)
	after, ok2 := d.resolve(pdfstruct.Ref{Num: n}).(pdfstruct.Dict)
	if !ok1 || !ok2 {
		return false
	}
	if _, had := before["V"]; had {
		return false // an existing signature value was replaced
	}
	if len(after) != len(before)+1 {
		return false
	}
	for k, v := range before {
		if !equalObjects(v, after[k], 0) {
			return false
		}
	}
	return true
}

// equalObjects compares two objects by value (string offsets ignored).
func equalObjects(a, b pdfstruct.Object, depth int) bool {
	if depth > 32 {
		return false
	}
	switch x := a.(type) {
	case pdfstruct.String:
		y, ok := b.(pdfstruct.String)
		return ok && bytes.Equal(x.Value, y.Value)
	case pdfstruct.Array:
		y, ok := b.(pdfstruct.Array)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalObjects(x[i], y[i], depth+1) {
				return false
			}
		}
		return true
	case pdfstruct.Dict:
		y, ok := b.(pdfstruct.Dict)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !equalObjects(v, y[k], depth+1) {
				return false
			}
		}
		return true
	case *pdfstruct.Stream:
		y, ok := b.(*pdfstruct.Stream)
		return ok && bytes.Equal(x.Raw, y.Raw) && equalObjects(x.Dict, y.Dict, depth+1)
	}
	return a == b
}

func onlySpace(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n', '\f', 0:
		default:
			return false
		}
	}
	return true
}
