package verifier

import (
	"bytes"
	"fmt"
	"sort"

	"sihub/verifier/pdfstruct"
)

// Caps on the form walk.
const (
	maxFieldDepth = 32
	maxFields     = 10000
)

// sigRef is a signature dictionary found in the document.
type sigRef struct {
	field   string         // fully qualified field name ("" for an orphan)
	fieldNo int            // object number of the field, 0 when direct
	dictNo  int            // object number of the signature dictionary, 0 when direct
	dict    pdfstruct.Dict // the signature dictionary
	end     int64          // end of its byte range, -1 when unusable
}

// findSignatures walks /Root /AcroForm /Fields for signed /FT /Sig fields,
// then scans the file for signature dictionaries no field refers to. It
// returns the signatures in byte-range order and a description of each
// orphan.
func (d *document) findSignatures() ([]*sigRef, []string) {
	var sigs []*sigRef
	seenSig := map[int]bool{}
	cat, err := d.f.Catalog()
	if err == nil {
		af, _ := d.resolve(cat["AcroForm"]).(pdfstruct.Dict)
		fields, _ := d.resolve(af["Fields"]).(pdfstruct.Array)
		seenField := map[int]bool{}
		count := 0
		var walk func(o pdfstruct.Object, parent string, ft pdfstruct.Name, depth int)
		walk = func(o pdfstruct.Object, parent string, ft pdfstruct.Name, depth int) {
			if depth > maxFieldDepth || count > maxFields {
				return
			}
			count++
			num := 0
			if ref, ok := o.(pdfstruct.Ref); ok {
				if seenField[ref.Num] {
					return
				}
				seenField[ref.Num] = true
				num = ref.Num
			}
			field, ok := d.resolve(o).(pdfstruct.Dict)
			if !ok {
				return
			}
			name := parent
			if t, ok := d.resolve(field["T"]).(pdfstruct.String); ok {
				if name != "" {
					name += "."
				}
				name += t.Text()
			}
			if own, ok := field.Name("FT"); ok {
				ft = own
			}
			if ft == "Sig" {
				if v, ok := field["V"]; ok {
					dictNo := 0
					if ref, ok := v.(pdfstruct.Ref); ok {
						dictNo = ref.Num
					}
					if sd, ok := d.resolve(v).(pdfstruct.Dict); ok && (dictNo == 0 || !seenSig[dictNo]) {
						if dictNo != 0 {
							seenSig[dictNo] = true
						}
						sigs = append(sigs, &sigRef{field: name, fieldNo: num, dictNo: dictNo, dict: sd})
					}
				}
			}
			kids, _ := d.resolve(field["Kids"]).(pdfstruct.Array)
			for _, k := range kids {
				walk(k, name, ft, depth+1)
			}
		}
		for _, fo := range fields {
			walk(fo, "", "", 0)
		}
	}
	for _, s := range sigs {
		s.end = byteRangeEnd(d, s.dict)
	}
	sort.SliceStable(sigs, func(i, j int) bool {
		ei, ej := sigs[i].end, sigs[j].end
		if ei < 0 {
			ei = int64(len(d.data)) + 1
		}
		if ej < 0 {
			ej = int64(len(d.data)) + 1
		}
		return ei < ej
	})
	return sigs, d.findOrphans(sigs, seenSig)
}

func (d *document) resolve(o pdfstruct.Object) pdfstruct.Object {
	r, err := d.f.Resolve(o)
	if err != nil {
		return nil
	}
	return r
}

// isSigDict reports whether dict looks like a signature dictionary.
func isSigDict(dict pdfstruct.Dict) bool {
	_, br := dict["ByteRange"]
	_, ct := dict["Contents"]
	t, _ := dict.Name("Type")
	return (br && ct) || t == "Sig" || t == "DocTimeStamp"
}

var byteRangeKey = []byte("/ByteRange")

// findOrphans looks for signature dictionaries (current objects holding
// /ByteRange) that no signature field refers to.
func (d *document) findOrphans(sigs []*sigRef, seen map[int]bool) []string {
	for _, s := range sigs {
		if s.fieldNo != 0 {
			seen[s.fieldNo] = true // a field holding its signature directly
		}
	}
	var out []string
	report := func(num int) {
		if seen[num] || len(out) >= 16 {
			return
		}
		seen[num] = true
		o := d.resolve(pdfstruct.Ref{Num: num})
		dict, ok := o.(pdfstruct.Dict)
		if !ok {
			return
		}
		if v, ok := dict["V"].(pdfstruct.Dict); ok && isSigDict(v) {
			dict = v
		}
		if _, ok := dict["ByteRange"]; !ok || !isSigDict(dict) {
			return
		}
		out = append(out, fmt.Sprintf("object %d is a signature dictionary that no signature field refers to", num))
	}
	// objects stored directly in the file: map each /ByteRange to the
	// current object that starts last before it
	type span struct {
		off int64
		num int
	}
	var spans []span
	stms := map[int]bool{}
	for _, n := range d.f.ObjectNumbers() {
		if off, ok := d.f.ObjectOffset(n); ok {
			spans = append(spans, span{off, n})
		} else if stm, ok := d.f.InObjStm(n); ok {
			stms[stm] = true
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].off < spans[j].off })
	for i := 0; ; {
		j := bytes.Index(d.data[i:], byteRangeKey)
		if j < 0 || d.ctx.Err() != nil {
			break
		}
		pos := int64(i + j)
		i += j + len(byteRangeKey)
		k := sort.Search(len(spans), func(k int) bool { return spans[k].off > pos }) - 1
		if k >= 0 {
			report(spans[k].num)
		}
	}
	// objects inside object streams (third-party files)
	for stm := range stms {
		s, ok := d.resolve(pdfstruct.Ref{Num: stm}).(*pdfstruct.Stream)
		if !ok {
			continue
		}
		data, err := d.f.Decode(s)
		if err != nil || !bytes.Contains(data, byteRangeKey) {
			continue
		}
		members, err := d.f.ObjStmMembers(stm)
		if err != nil {
			continue
		}
		for _, m := range members {
			report(m)
		}
	}
	sort.Strings(out)
	return out
}
