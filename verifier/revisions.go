package verifier

import (
	"fmt"
	"sort"

	"sihub/verifier/pdfstruct"
)

// maxAnalyzedRevisions caps the revisions reconstructed one by one; each
// costs a parse of the file prefix.
const maxAnalyzedRevisions = 32

// revision is one reconstructed revision: the file up to end, read on its
// own.
type revision struct {
	index      int
	start, end int64
	sections   []pdfstruct.Revision
	f          *pdfstruct.File // nil when the prefix cannot be read
	err        string          // why f is nil or untrustworthy
	changes    []ChangeReport
	bad        bool // a change no rule justifies
}

// revisionList groups the file's cross-reference sections into revisions
// by the "%%EOF" that ends them, oldest first. A section without one ends
// at the end of the file.
func (d *document) revisionList() []*revision {
	size := int64(len(d.data))
	byEnd := map[int64]*revision{}
	for _, s := range d.f.Revisions() {
		end := s.End
		if end < 0 || end > size {
			end = size
		}
		rv := byEnd[end]
		if rv == nil {
			rv = &revision{end: end}
			byEnd[end] = rv
		}
		rv.sections = append(rv.sections, s)
	}
	out := make([]*revision, 0, len(byEnd))
	for _, rv := range byEnd {
		out = append(out, rv)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].end < out[j].end })
	for i, rv := range out {
		rv.index = i
		if i > 0 {
			rv.start = out[i-1].end
		}
	}
	return out
}

// analyzeRevisions reconstructs every revision and classifies each change
// against the previous one. sigs are the document's signatures (for the
// signature dictionaries later revisions may add) and mdp the certification
// in force, if any.
func (d *document) analyzeRevisions(revs []*revision, sigs []*sigRef, r *Report) {
	last := len(revs) - 1
	// revisions up to the first signed one are covered by every signature:
	// their history does not matter
	first := -1
	for _, s := range sigs {
		if s.end > 0 && (first < 0 || s.end < int64(first)) {
			first = int(s.end)
		}
	}
	for i, rv := range revs {
		if first < 0 || (i < last && revs[i+1].end <= int64(first)) {
			continue
		}
		if err := d.ctx.Err(); err != nil {
			rv.err = "time budget exceeded"
			rv.bad = true
			continue
		}
		if i == last && rv.end >= int64(len(d.data))-2 {
			rv.f = d.f
		} else {
			f, err := pdfstruct.Open(d.ctx, d.data[:rv.end], pdfstruct.Limits{MaxFileSize: d.v.maxSize})
			switch {
			case err != nil:
				rv.err = "revision cannot be read on its own: " + err.Error()
			case f.Repaired():
				rv.err = "revision's cross-reference information is broken"
			default:
				rv.f = f
				if d.revFiles == nil {
					d.revFiles = map[int64]*pdfstruct.File{}
				}
				d.revFiles[rv.end] = f
			}
		}
		if i == 0 || rv.end <= int64(first) {
			continue
		}
		prev := revs[i-1]
		if prev.f == nil || rv.f == nil {
			rv.bad = true
			msg := prev.err
			if rv.f == nil {
				msg = rv.err
			}
			rv.changes = append(rv.changes, ChangeReport{Kind: ChangeTrailer, Action: "modified", Reason: msg})
			r.addError(ReasonXrefInconsistent, fmt.Sprintf("revision %d: %s", i, msg))
			continue
		}
		if !extendsChain(prev.f, rv.f) {
			rv.bad = true
			rv.changes = append(rv.changes, ChangeReport{Kind: ChangeTrailer, Action: "modified",
				Reason: "the cross-reference chain does not extend the previous revision's"})
			r.addError(ReasonXrefInconsistent, fmt.Sprintf("revision %d: its cross-reference chain does not extend revision %d's", i, i-1))
		}
		c := newComparer(d, prev, rv, sigs)
		c.compare()
		rv.changes = append(rv.changes, c.changes...)
		for _, ch := range rv.changes {
			if !ch.Allowed {
				rv.bad = true
			}
		}
		if c.shadow {
			r.addError(ReasonObjStmShadow, fmt.Sprintf("revision %d redefines objects of an earlier revision through an object stream", i))
		}
	}
}

// extendsChain reports whether every cross-reference section of old is
// also in the chain of cur.
func extendsChain(old, cur *pdfstruct.File) bool {
	have := map[int64]bool{}
	for _, s := range cur.Revisions() {
		have[s.XrefOffset] = true
	}
	for _, s := range old.Revisions() {
		if !have[s.XrefOffset] {
			return false
		}
	}
	return true
}

// checkDuplicates reports object numbers defined twice within one
// revision's bytes.
func (d *document) checkDuplicates(revs []*revision, sigs []*sigRef, r *Report) {
	for i, heads := range d.scanRevisions(revs, sigs) {
		rv := revs[i]
		seen := map[int]int64{}
		for _, h := range heads {
			if at, dup := seen[h.Num]; dup {
				r.addError(ReasonDuplicateObject, fmt.Sprintf("revision %d defines object %d twice (at %d and %d)", rv.index, h.Num, at, h.Offset))
				break
			}
			seen[h.Num] = h.Offset
		}
	}
}

// scanRevisions returns, for each revision from the first signed one on,
// the indirect objects found by scanning its bytes (nil for the others).
// The scan runs once per document; d.f keeps what it parsed, so later
// inspections of those objects (InspectAt, DuplicateKeys) are answered
// without parsing them again.
func (d *document) scanRevisions(revs []*revision, sigs []*sigRef) [][]pdfstruct.ObjectHeader {
	if d.scans != nil {
		return d.scans
	}
	first := int64(-1)
	for _, s := range sigs {
		if s.end > 0 && (first < 0 || s.end < first) {
			first = s.end
		}
	}
	d.scans = make([][]pdfstruct.ObjectHeader, len(revs))
	for i, rv := range revs {
		if first < 0 || rv.end < first {
			continue
		}
		d.scans[i] = d.f.ObjectsIn(rv.start, rv.end, 100000)
	}
	return d.scans
}

// revisionFile returns the revision of the file that ends at end, read
// with pdfstruct.Open(d.data[:end], pdfstruct.Limits{}): the one the
// analysis already read on its own when there is one (the same bytes but
// for the end-of-line after "%%EOF", and a size those default limits
// accept), else read now.
func (d *document) revisionFile(end int64) (*pdfstruct.File, error) {
	if end <= 32<<20 {
		for e := end; e >= end-2 && e >= 0; e-- {
			if f, ok := d.revFiles[e]; ok && onlySpace(d.data[e:end]) {
				return f, nil
			}
		}
	}
	return pdfstruct.Open(d.ctx, d.data[:end], pdfstruct.Limits{})
}
