package verifier

import (
	"fmt"

	"sihub/verifier/pdfstruct"
)

// checkStructure runs the checks against signature wrapping and other
// tricks with the placement of signatures: duplicate /Contents keys,
// signature dictionaries outside their signed bytes, a gap that is not the
// dictionary's own /Contents, overlapping ranges, cross-reference entries
// into a gap, and certification signatures that are not the first.
func (d *document) checkStructure(sigs []*sigRef, r *Report) {
	if revs := d.revisionList(); len(revs) > 1 && len(revs) <= maxAnalyzedRevisions {
		d.scanRevisions(revs, sigs) // shared with the revision analysis
	}
	type gap struct{ lo, hi int64 }
	gaps := make([]gap, len(sigs))
	size := int64(len(d.data))
	approvals := 0
	for i, s := range sigs {
		rep := &r.Signatures[i]
		if p := certificationLevel(d, s.dict); p > 0 && approvals > 0 {
			rep.addError(ReasonCertificationNotFirst, fmt.Sprintf("a certification signature (DocMDP P=%d) follows %d other signature(s); it must be the first", p, approvals))
		}
		if rep.Type == TypeSignature {
			approvals++
		}
		off, inFile := int64(-1), false
		if s.dictNo != 0 {
			off, inFile = d.f.ObjectOffset(s.dictNo)
			if _, inStm := d.f.InObjStm(s.dictNo); inStm {
				rep.addError(ReasonSignatureOutsideRange, "the signature dictionary is stored in an object stream, outside the bytes its signature covers")
			}
		} else if s.fieldNo != 0 {
			off, inFile = d.f.ObjectOffset(s.fieldNo)
		}
		objEnd, objErr := int64(0), error(nil)
		if inFile {
			var dups []pdfstruct.Name
			objEnd, dups, objErr = d.f.InspectAt(off)
			if len(dups) > 0 {
				for _, k := range dups {
					if k == "Contents" || k == "ByteRange" {
						rep.addError(ReasonDuplicateContents, fmt.Sprintf("the signature dictionary has more than one /%s", k))
						break
					}
				}
			}
		}
		br, err := readByteRange(d, s.dict)
		if err != nil || br[1] > size || br[2] > size || br[3] > size {
			continue
		}
		if br[1] >= br[2] || br[0] > br[1] {
			rep.addError(ReasonByteRangeOverlap, fmt.Sprintf("the signed ranges [%d, %d) and [%d, %d) overlap or are out of order", br[0], br[0]+br[1], br[2], br[2]+br[3]))
			continue
		}
		gaps[i] = gap{br[1], br[2]}
		if c, ok := s.dict["Contents"].(pdfstruct.String); ok && c.Start >= 0 && (c.Start != br[1] || c.End != br[2]) {
			rep.addError(ReasonByteRangeContentsMismatch, fmt.Sprintf("the /ByteRange gap [%d, %d) is not where the dictionary's /Contents is [%d, %d)", br[1], br[2], c.Start, c.End))
		}
		if inFile && objErr == nil && (off >= br[1] || objEnd < br[2] || objEnd > br[2]+br[3]) {
			rep.addError(ReasonSignatureOutsideRange, fmt.Sprintf("the signature dictionary [%d, %d) is not inside the bytes its signature covers", off, objEnd))
		}
	}
	for i := range sigs {
		for j := i + 1; j < len(sigs); j++ {
			a, b := gaps[i], gaps[j]
			if a.hi > a.lo && b.hi > b.lo && a.lo < b.hi && b.lo < a.hi {
				msg := fmt.Sprintf("signatures %d and %d share bytes of their /Contents gap", i+1, j+1)
				r.Signatures[i].addError(ReasonByteRangeOverlap, msg)
				r.Signatures[j].addError(ReasonByteRangeOverlap, msg)
			}
		}
	}
	for _, sec := range d.f.Revisions() {
		for k, e := range sec.Entries {
			if e.Kind != 1 {
				continue
			}
			for i, g := range gaps {
				if g.hi > g.lo && e.Offset >= g.lo && e.Offset < g.hi {
					r.Signatures[i].addError(ReasonXrefIntoGap, fmt.Sprintf("the cross-reference entry of object %d points to %d, inside the /Contents gap", sec.Objects[k], e.Offset))
					gaps[i] = gap{} // once per signature
				}
			}
		}
	}
}
