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
// With more than one revision, every revision is reconstructed and each
// change judged (see comparer): a signature is modified after signing when
// a later revision makes a change no rule allows. Bytes after the last
// signature are acceptable only as complete revisions whose changes are
// all allowed (a DSS or a document timestamp added later); anything else
// there makes the document not valid (not_whole_document) and every
// signature modified.
func (d *document) checkModifications(sigs []*sigRef, r *Report) {
	size := int64(len(d.data))
	revs := d.revisionList()
	for _, rv := range revs {
		rr := RevisionReport{Index: rv.index, EndOffset: rv.end}
		for i, s := range sigs {
			if i < len(r.Signatures) && s.end >= rv.end && s.end <= rv.end+2 && onlySpace(d.data[rv.end:s.end]) {
				rr.Signatures = append(rr.Signatures, i)
			}
		}
		r.Revisions = append(r.Revisions, rr)
	}
	tooMany := len(revs) > maxAnalyzedRevisions
	if tooMany {
		r.addError(ReasonTooLarge, fmt.Sprintf("%d revisions; revision analysis stops at %d", len(revs), maxAnalyzedRevisions))
	} else if len(revs) > 1 {
		d.checkDuplicates(revs, sigs, r)
		d.analyzeRevisions(revs, sigs, r)
		for i, rv := range revs {
			r.Revisions[i].Changes = rv.changes
		}
	}

	lastEnd := int64(-1)
	for i, s := range sigs {
		if i < len(r.Signatures) && len(r.Signatures[i].ByteRange) == 4 && s.end <= size && s.end > lastEnd {
			lastEnd = s.end
		}
	}
	if lastEnd < 0 {
		return
	}
	// revisions after off: are they all justified, and do they reach the
	// end of the file?
	justified := func(off int64) (bad []int, ok bool) {
		ok = !tooMany
		seen := map[int]bool{}
		reachesEnd := len(revs) > 0 && onlySpace(d.data[revs[len(revs)-1].end:])
		if !reachesEnd {
			ok = false
		}
		for _, rv := range revs {
			if rv.end <= off {
				continue
			}
			if rv.bad {
				ok = false
			}
			for _, ch := range rv.changes {
				if !ch.Allowed && !seen[ch.Object] {
					seen[ch.Object] = true
					bad = append(bad, ch.Object)
				}
			}
		}
		sort.Ints(bad)
		return bad, ok
	}
	unsignedTail := false
	if !onlySpace(d.data[lastEnd:]) {
		if _, ok := justified(lastEnd); !ok {
			unsignedTail = true
			r.addError(ReasonNotWholeDocument, fmt.Sprintf("the last %d bytes of the file are covered by no signature", size-lastEnd))
		}
	}
	for i, s := range sigs {
		if i >= len(r.Signatures) {
			break
		}
		rep := &r.Signatures[i]
		if len(rep.ByteRange) != 4 || s.end > size || onlySpace(d.data[s.end:]) {
			continue
		}
		seen := map[int]bool{}
		for _, rv := range d.f.Revisions() {
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
		bad, ok := justified(s.end)
		switch {
		case unsignedTail:
			rep.ModifiedAfterSigning = true
			rep.addError(ReasonModifiedAfterSigning, fmt.Sprintf("%d bytes follow the signed revision, and not all of them are signed", size-s.end))
		case !ok || len(bad) > 0:
			rep.ModifiedAfterSigning = true
			msg := "later revisions could not be analysed"
			if len(bad) > 0 {
				msg = fmt.Sprintf("later revisions changed objects %v beyond adding signatures, a DSS or document timestamps", bad)
			}
			rep.addError(ReasonModifiedAfterSigning, msg)
		default:
			continue
		}
		if p := certificationLevel(d, s.dict); p > 0 {
			rep.addError(ReasonDocMDPViolation, fmt.Sprintf("the document was changed beyond what its certification (DocMDP P=%d) permits", p))
		}
	}
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
