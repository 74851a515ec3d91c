package verifier

import (
	"fmt"
	"sort"

	"sihub/verifier/pdfstruct"
)

// maxReach caps the objects walked from a catalog; a walk that stops early
// makes every object count as referenced.
const maxReach = 200000

// comparer classifies the changes one revision makes to the previous one.
//
// An object the previous revision referenced (from the catalog or /Info,
// the DSS excepted) may change only as adding a signature requires: the
// catalog gains /DSS, /Extensions or an /AcroForm for signature fields;
// the AcroForm's /Fields and a page's /Annots gain signature fields; an
// empty signature field gets its /V (and the appearance of the visible
// signature). Objects reachable only from the DSS may change freely. New
// object numbers are allowed (they matter only through a changed
// reference, which is judged itself), except annotations other than
// signature widgets, unsigned signature fields that draw on the page, and
// signatures a DocMDP level P=1 forbids. Freeing a referenced object is
// never allowed.
type comparer struct {
	d        *document
	old, cur *revision
	of, nf   *pdfstruct.File
	sigByNo  map[int]*sigRef
	mdpP     int // DocMDP level in force (0: none)
	oldMain  map[int]string
	oldDSS   map[int]bool
	newDSS   map[int]bool
	oldAll   bool // the old walk stopped early: everything counts as referenced
	handled  map[int]bool
	// signedField: signature fields some signature of the file fills
	signedField map[int]bool
	// fieldAPs: appearance objects of the empty signature fields this
	// revision signs; pageUse: objects the pages use (lazily)
	fieldAPs, pageUse map[int]bool
	changes           []ChangeReport
	shadow            bool
}

func newComparer(d *document, old, cur *revision, sigs []*sigRef) *comparer {
	c := &comparer{d: d, old: old, cur: cur, of: old.f, nf: cur.f, sigByNo: map[int]*sigRef{}, handled: map[int]bool{}, signedField: map[int]bool{}}
	for _, s := range sigs {
		if s.fieldNo != 0 && s.end > 0 {
			c.signedField[s.fieldNo] = true
		}
		if s.dictNo != 0 {
			c.sigByNo[s.dictNo] = s
		}
		if p := certificationLevel(d, s.dict); p > 0 && s.end > 0 && s.end <= old.end+2 && (c.mdpP == 0 || p < c.mdpP) {
			c.mdpP = p
		}
	}
	return c
}

func (c *comparer) add(num int, kind, action string, allowed bool, format string, args ...any) {
	c.changes = append(c.changes, ChangeReport{Object: num, Kind: kind, Action: action, Allowed: allowed, Reason: fmt.Sprintf(format, args...)})
}

// compare fills c.changes.
func (c *comparer) compare() {
	c.oldMain, c.oldAll = reach(c.of, true)
	c.oldDSS = reachDSS(c.of)
	c.newDSS = reachDSS(c.nf)

	ot, nt := c.of.Trailer(), c.nf.Trailer()
	oldRoot, _ := ot["Root"].(pdfstruct.Ref)
	newRoot, _ := nt["Root"].(pdfstruct.Ref)
	for _, k := range []pdfstruct.Name{"Info", "Encrypt"} {
		if !equalObjects(ot[k], nt[k], 0) {
			c.add(0, ChangeTrailer, "modified", false, "the trailer's /%s changed", k)
		}
	}
	cands := c.changedNumbers()
	if oldRoot.Num != newRoot.Num {
		// a new catalog object: judge it against the old catalog
		c.handled[newRoot.Num] = true
		c.catalog(newRoot.Num)
	}
	for _, n := range cands {
		if c.handled[n] || n == 0 {
			continue
		}
		c.object(n, n == newRoot.Num)
	}
}

// changedNumbers lists the object numbers whose cross-reference entry
// differs between the revisions, plus the members of changed object
// streams.
func (c *comparer) changedNumbers() []int {
	set := map[int]bool{}
	for _, f := range []*pdfstruct.File{c.of, c.nf} {
		for _, n := range f.EntryNumbers() {
			if set[n] {
				continue
			}
			a, okA := c.of.EntryOf(n)
			b, okB := c.nf.EntryOf(n)
			if okA != okB || a != b {
				set[n] = true
			}
		}
	}
	for _, n := range c.nf.EntryNumbers() {
		if e, _ := c.nf.EntryOf(n); e.Kind == 2 && set[e.Stream] {
			set[n] = true
		}
	}
	out := make([]int, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

func (c *comparer) get(f *pdfstruct.File, n int) (pdfstruct.Object, bool) {
	o, err := f.Object(n)
	if err != nil {
		return nil, false
	}
	return o, true
}

func isNull(o pdfstruct.Object) bool {
	_, null := o.(pdfstruct.Null)
	return o == nil || null
}

// object judges one changed object number.
func (c *comparer) object(n int, isRoot bool) {
	if e, ok := c.nf.EntryOf(n); ok && e.Kind == 1 {
		if got, err := c.nf.ObjectNumberAt(e.Offset); err != nil || got != n {
			c.add(n, ChangeObject, "modified", false, "the cross-reference entry points at %d, where object %d is not", e.Offset, n)
			return
		}
	}
	if dups, _ := c.nf.DuplicateKeys(n); len(dups) > 0 {
		o, _ := c.get(c.nf, n)
		c.add(n, kindOf(o, c.oldMain[n]), "modified", false, "a dictionary repeats /%s; readers disagree on which value counts", dups[0])
		return
	}
	old, ok1 := c.get(c.of, n)
	cur, ok2 := c.get(c.nf, n)
	if !ok1 || !ok2 {
		c.add(n, ChangeObject, "modified", false, "the object cannot be read")
		return
	}
	// a direct object of the previous revision now read from an object
	// stream
	viaObjStm := false
	if e, ok := c.nf.EntryOf(n); ok && e.Kind == 2 {
		if o, ok := c.of.EntryOf(n); ok && o.Kind == 1 {
			viaObjStm = true
		}
	}
	if equalObjects(old, cur, 0) {
		return
	}
	_, referenced := c.oldMain[n]
	referenced = referenced || c.oldAll
	if isRoot {
		c.catalog(n)
		return
	}
	switch {
	case isNull(cur):
		if referenced {
			c.add(n, kindOf(old, c.oldMain[n]), "freed", false, "a referenced object was freed")
		} else {
			c.add(n, kindOf(old, ""), "freed", true, "an object no longer referenced was freed")
		}
		return
	case !referenced && isNull(old):
		c.added(n, cur)
		return
	case !referenced:
		if c.oldDSS[n] || c.newDSS[n] {
			c.add(n, ChangeDSS, "modified", true, "part of the document security store")
		} else {
			c.add(n, kindOf(cur, ""), "modified", true, "not referenced by the previous revision")
		}
		return
	}
	// a referenced object changed
	hint := c.oldMain[n]
	kind := kindOf(old, hint)
	ok, why := false, ""
	od, _ := old.(pdfstruct.Dict)
	nd, _ := cur.(pdfstruct.Dict)
	switch {
	case c.signedAppearance(n, old):
		ok, why = true, "the appearance of a signature field signed in this revision"
	case od != nil && nd != nil && typeOf(od) == "Page":
		ok, why = c.pageChange(od, nd)
	case hint == "Annots" && isArray(old) && isArray(cur):
		ok, why = c.annotsChange(old.(pdfstruct.Array), cur.(pdfstruct.Array))
	case hint == "Fields" && isArray(old) && isArray(cur):
		ok, why = c.fieldsChange(old.(pdfstruct.Array), cur.(pdfstruct.Array))
	case hint == "AcroForm" && od != nil && nd != nil:
		ok, why = c.acroFormChange(od, nd)
	case od != nil && nd != nil && c.isSigField(c.of, od):
		kind = ChangeSignatureField
		ok, why = c.sigFieldChange(od, nd)
	case od != nil && nd != nil && c.mdpP >= 2 && isFormField(c, od):
		ok, why = c.formFill(od, nd)
	case c.mdpP >= 2 && (hint == "N" || hint == "AP") && kind == ChangeXObject:
		ok, why = true, "a form field appearance, which the certification (DocMDP P>=2) permits to change"
	default:
		why = "changes content the signature covers"
		if isNull(old) {
			why = "defines an object the signed revision refers to"
		}
	}
	if !ok && viaObjStm {
		c.shadow = true
		why += " (redefined through an object stream)"
	}
	c.add(n, kind, "modified", ok, "%s", why)
}

// signedAppearance reports whether object n is an appearance stream of an
// empty signature field that this revision signs, and is not used by the
// page contents or their resources (where replacing it would change what
// the signed pages show).
func (c *comparer) signedAppearance(n int, old pdfstruct.Object) bool {
	if _, ok := old.(*pdfstruct.Stream); !ok {
		return false
	}
	if c.fieldAPs == nil {
		c.fieldAPs = map[int]bool{}
		for _, s := range c.sigByNo {
			if s.fieldNo == 0 || s.end < c.cur.end {
				continue
			}
			of, _ := c.res(c.of, pdfstruct.Ref{Num: s.fieldNo}).(pdfstruct.Dict)
			if of == nil || !isNull(c.res(c.of, of["V"])) {
				continue
			}
			for r := range walk(c.of, []pdfstruct.Object{of["AP"]}, nil) {
				c.fieldAPs[r] = true
			}
		}
		if len(c.fieldAPs) > 0 {
			t := c.of.Trailer()
			cat, _ := c.of.Catalog()
			c.pageUse = walk(c.of, []pdfstruct.Object{cat["Pages"], t["Info"]}, map[pdfstruct.Name]bool{"Annots": true, "Parent": true})
		}
	}
	return c.fieldAPs[n] && !c.pageUse[n]
}

// walk returns the object numbers reachable from starts, not entering the
// keys in skip.
func walk(f *pdfstruct.File, starts []pdfstruct.Object, skip map[pdfstruct.Name]bool) map[int]bool {
	out := map[int]bool{}
	stack := append([]pdfstruct.Object(nil), starts...)
	for len(stack) > 0 && len(out) < maxReach {
		o := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if r, ok := o.(pdfstruct.Ref); ok {
			if out[r.Num] {
				continue
			}
			out[r.Num] = true
			x, err := f.Object(r.Num)
			if err != nil {
				continue
			}
			o = x
		}
		switch v := o.(type) {
		case pdfstruct.Array:
			for _, e := range v {
				if isContainer(e) {
					stack = append(stack, e)
				}
			}
		case pdfstruct.Dict, *pdfstruct.Stream:
			for k, e := range dictOf(v) {
				if !skip[k] && isContainer(e) {
					stack = append(stack, e)
				}
			}
		}
	}
	return out
}

// added judges a new object.
func (c *comparer) added(n int, cur pdfstruct.Object) {
	d := dictOf(cur)
	kind := kindOf(cur, "")
	switch {
	case typeOf(d) == "XRef":
		c.add(n, ChangeXrefStream, "added", true, "cross-reference stream")
	case typeOf(d) == "ObjStm":
		c.add(n, ChangeObjectStream, "added", true, "object stream (its objects are judged one by one)")
	case isSigDict(d):
		s := c.sigByNo[n]
		kind = ChangeSignature
		if t, _ := d.Name("Type"); t == "DocTimeStamp" {
			kind = ChangeDocTimestamp
		}
		switch {
		case s == nil:
			c.add(n, kind, "added", false, "a signature dictionary no signature field uses")
		case s.end >= 0 && s.end < c.cur.start:
			c.add(n, kind, "added", false, "a signature dictionary added after the bytes its signature covers")
		case kind == ChangeSignature && c.mdpP == 1:
			c.add(n, kind, "added", false, "the certification signature (DocMDP P=1) permits no further signatures")
		default:
			c.add(n, kind, "added", true, "a further signature")
		}
	case c.newDSS[n]:
		c.add(n, ChangeDSS, "added", true, "document security store")
	case d != nil && c.isSigField(c.nf, d):
		ok, why := c.newSigField(n, d)
		c.add(n, ChangeSignatureField, "added", ok, "%s", why)
	case typeOf(d) == "Annot":
		c.add(n, ChangeAnnotation, "added", false, "an annotation added after signing")
	default:
		c.add(n, kind, "added", true, "a new object, used only through other changes")
	}
}

// catalog judges a change of the catalog (object n in the new revision).
func (c *comparer) catalog(n int) {
	oc, err1 := c.of.Catalog()
	nc, err2 := c.nf.Catalog()
	if err1 != nil || err2 != nil {
		c.add(n, ChangeCatalog, "modified", false, "the catalog cannot be read")
		return
	}
	for _, k := range unionKeys(oc, nc) {
		if equalObjects(oc[k], nc[k], 0) {
			continue
		}
		switch k {
		case "DSS", "Extensions":
			continue
		case "AcroForm":
			od, _ := c.res(c.of, oc[k]).(pdfstruct.Dict)
			nd, _ := c.res(c.nf, nc[k]).(pdfstruct.Dict)
			if nd == nil {
				c.add(n, ChangeCatalog, "modified", false, "the catalog's /AcroForm was removed")
				return
			}
			if r, ok := nc[k].(pdfstruct.Ref); ok && !equalObjects(oc[k], nc[k], 0) {
				c.handled[r.Num] = true
			}
			if ok, why := c.acroFormChange(od, nd); !ok {
				c.add(n, ChangeCatalog, "modified", false, "%s", why)
				return
			}
		default:
			c.add(n, ChangeCatalog, "modified", false, "the catalog's /%s changed", k)
			return
		}
	}
	c.add(n, ChangeCatalog, "modified", true, "only signature form, DSS or extension entries changed")
}

func (c *comparer) res(f *pdfstruct.File, o pdfstruct.Object) pdfstruct.Object {
	r, err := f.Resolve(o)
	if err != nil {
		return nil
	}
	return r
}

// acroFormChange allows /Fields to gain signature fields and /SigFlags to
// change; the default appearance and resources (/DA, /DR) too, as long as
// no viewer is asked to regenerate field appearances from them
// (/NeedAppearances).
func (c *comparer) acroFormChange(od, nd pdfstruct.Dict) (bool, string) {
	need, _ := c.res(c.nf, nd["NeedAppearances"]).(pdfstruct.Bool)
	for _, k := range unionKeys(od, nd) {
		if equalObjects(od[k], nd[k], 0) {
			continue
		}
		switch k {
		case "DA", "DR":
			if need {
				return false, fmt.Sprintf("the AcroForm's /%s changed while /NeedAppearances is set", k)
			}
		case "SigFlags":
		case "Fields":
			oa, _ := c.res(c.of, od[k]).(pdfstruct.Array)
			na, _ := c.res(c.nf, nd[k]).(pdfstruct.Array)
			if ok, why := c.fieldsChange(oa, na); !ok {
				return false, why
			}
		default:
			return false, fmt.Sprintf("the AcroForm's /%s changed", k)
		}
	}
	return true, "signature fields added to the form"
}

// fieldsChange allows a field list to gain signature fields.
func (c *comparer) fieldsChange(oa, na pdfstruct.Array) (bool, string) {
	added, ok := grown(oa, na)
	if !ok {
		return false, "form fields were removed or replaced"
	}
	for _, a := range added {
		d, _ := c.res(c.nf, a).(pdfstruct.Dict)
		if d == nil || !c.isSigField(c.nf, d) {
			return false, "a form field other than a signature field was added"
		}
		if c.mdpP == 1 {
			return false, "the certification signature (DocMDP P=1) permits no new signature fields"
		}
	}
	return true, "signature fields added"
}

// pageChange allows a page to gain signature widgets in /Annots.
func (c *comparer) pageChange(od, nd pdfstruct.Dict) (bool, string) {
	for _, k := range unionKeys(od, nd) {
		if equalObjects(od[k], nd[k], 0) {
			continue
		}
		if k != "Annots" {
			return false, fmt.Sprintf("the page's /%s changed", k)
		}
		oa, _ := c.res(c.of, od[k]).(pdfstruct.Array)
		na, _ := c.res(c.nf, nd[k]).(pdfstruct.Array)
		if r, ok := nd[k].(pdfstruct.Ref); ok {
			c.handled[r.Num] = true
		}
		if ok, why := c.annotsChange(oa, na); !ok {
			return false, why
		}
	}
	return true, "signature widgets added to the page"
}

// annotsChange allows an annotation list to gain signature widgets.
func (c *comparer) annotsChange(oa, na pdfstruct.Array) (bool, string) {
	added, ok := grown(oa, na)
	if !ok {
		return false, "annotations were removed or replaced"
	}
	for _, a := range added {
		d, _ := c.res(c.nf, a).(pdfstruct.Dict)
		if d == nil || !c.isSigField(c.nf, d) {
			return false, "an annotation other than a signature widget was added"
		}
		if c.mdpP == 1 {
			return false, "the certification signature (DocMDP P=1) permits no new signature widgets"
		}
	}
	return true, "signature widgets added"
}

// sigFieldChange allows an empty signature field to receive its value,
// with the appearance of the visible signature.
func (c *comparer) sigFieldChange(od, nd pdfstruct.Dict) (bool, string) {
	if !isNull(c.res(c.of, od["V"])) {
		return false, "a signed signature field was changed"
	}
	v, ok := nd["V"].(pdfstruct.Ref)
	if !ok {
		return false, "a signature field was changed without being signed"
	}
	s := c.sigByNo[v.Num]
	if s == nil || s.end < c.cur.end {
		return false, "a signature field got a value that is not a signature of this revision"
	}
	if c.mdpP == 1 {
		if t, _ := s.dict.Name("Type"); t != "DocTimeStamp" {
			return false, "the certification signature (DocMDP P=1) permits no further signatures"
		}
	}
	for _, k := range unionKeys(od, nd) {
		if k == "V" || k == "AP" || equalObjects(od[k], nd[k], 0) {
			continue
		}
		return false, fmt.Sprintf("the signature field's /%s changed", k)
	}
	return true, "an empty signature field was signed"
}

// formFill allows a form field's value and appearance to change, as a
// certification with P>=2 permits.
func (c *comparer) formFill(od, nd pdfstruct.Dict) (bool, string) {
	for _, k := range unionKeys(od, nd) {
		switch k {
		case "V", "AP", "AS":
			continue
		}
		if !equalObjects(od[k], nd[k], 0) {
			return false, fmt.Sprintf("the form field's /%s changed", k)
		}
	}
	return true, "form filling, which the certification (DocMDP P>=2) permits"
}

// isFormField reports whether d is a form field or widget other than a
// signature field.
func isFormField(c *comparer, d pdfstruct.Dict) bool {
	for i := 0; i < 8 && d != nil; i++ {
		if ft, ok := d.Name("FT"); ok {
			return ft != "Sig"
		}
		d, _ = c.res(c.of, d["Parent"]).(pdfstruct.Dict)
	}
	return false
}

// newSigField judges a signature field added after signing.
func (c *comparer) newSigField(n int, d pdfstruct.Dict) (bool, string) {
	if c.mdpP == 1 {
		return false, "the certification signature (DocMDP P=1) permits no new signature fields"
	}
	if isNull(c.res(c.nf, d["V"])) && d["AP"] != nil && !zeroRect(c.res(c.nf, d["Rect"])) && !c.signedField[n] {
		return false, "an unsigned signature field that draws on the page"
	}
	return true, "a new signature field"
}

// isSigField reports whether d is a signature field (or its widget).
func (c *comparer) isSigField(f *pdfstruct.File, d pdfstruct.Dict) bool {
	for i := 0; i < 8 && d != nil; i++ {
		if ft, ok := d.Name("FT"); ok {
			return ft == "Sig"
		}
		d, _ = c.res(f, d["Parent"]).(pdfstruct.Dict)
	}
	return false
}

// grown returns the elements of na not in oa, and false when an element
// of oa is missing from na.
func grown(oa, na pdfstruct.Array) ([]pdfstruct.Object, bool) {
	used := make([]bool, len(na))
	for _, o := range oa {
		found := false
		for j, x := range na {
			if !used[j] && equalObjects(o, x, 0) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	var out []pdfstruct.Object
	for j, x := range na {
		if !used[j] {
			out = append(out, x)
		}
	}
	return out, true
}

func zeroRect(o pdfstruct.Object) bool {
	a, ok := o.(pdfstruct.Array)
	if !ok || len(a) != 4 {
		return true
	}
	num := func(x pdfstruct.Object) float64 {
		switch v := x.(type) {
		case pdfstruct.Int:
			return float64(v)
		case pdfstruct.Real:
			return float64(v)
		}
		return 0
	}
	return num(a[0]) == num(a[2]) || num(a[1]) == num(a[3])
}

func isArray(o pdfstruct.Object) bool {
	_, ok := o.(pdfstruct.Array)
	return ok
}

func dictOf(o pdfstruct.Object) pdfstruct.Dict {
	switch v := o.(type) {
	case pdfstruct.Dict:
		return v
	case *pdfstruct.Stream:
		return v.Dict
	}
	return nil
}

func typeOf(d pdfstruct.Dict) pdfstruct.Name {
	t, _ := d.Name("Type")
	return t
}

func unionKeys(a, b pdfstruct.Dict) []pdfstruct.Name {
	seen := map[pdfstruct.Name]bool{}
	var out []pdfstruct.Name
	for _, d := range []pdfstruct.Dict{a, b} {
		for k := range d {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// kindOf names what an object is, from its type or the key it was reached
// by.
func kindOf(o pdfstruct.Object, hint string) string {
	d := dictOf(o)
	switch typeOf(d) {
	case "Catalog":
		return ChangeCatalog
	case "Pages":
		return ChangePages
	case "Page":
		return ChangePage
	case "Font", "FontDescriptor":
		return ChangeFont
	case "XObject":
		return ChangeXObject
	case "ObjStm":
		return ChangeObjectStream
	case "XRef":
		return ChangeXrefStream
	case "Sig":
		return ChangeSignature
	case "DocTimeStamp":
		return ChangeDocTimestamp
	case "Annot":
		if _, ok := d["FT"]; ok {
			return ChangeFormField
		}
		return ChangeAnnotation
	}
	if _, ok := d["FT"]; ok {
		return ChangeFormField
	}
	switch hint {
	case "Contents":
		return ChangePageContent
	case "Font", "DescendantFonts", "FontDescriptor", "FontFile", "FontFile2", "FontFile3", "ToUnicode":
		return ChangeFont
	case "XObject":
		return ChangeXObject
	case "Annots":
		return ChangeAnnotation
	case "Fields", "Kids", "V":
		return ChangeFormField
	case "Info":
		return ChangeInfo
	case "AcroForm":
		return ChangeAcroForm
	case "Metadata":
		return ChangeMetadata
	}
	return ChangeObject
}

// reach walks the objects referenced from the trailer's /Root (the /DSS
// excepted) and /Info, recording for each object number the key it was
// first reached by. References to missing objects count. It reports
// whether the walk stopped early.
func reach(f *pdfstruct.File, skipDSS bool) (map[int]string, bool) {
	seen := map[int]string{}
	t := f.Trailer()
	type item struct {
		o        pdfstruct.Object
		hint     string
		cat      bool
		sigField bool // o is the /V of a signature field
	}
	root, _ := t["Root"].(pdfstruct.Ref)
	stack := []item{{o: t["Root"], hint: "Root"}, {o: t["Info"], hint: "Info"}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		o := it.o
		if r, ok := o.(pdfstruct.Ref); ok {
			if _, done := seen[r.Num]; done {
				continue
			}
			if len(seen) >= maxReach {
				return seen, true
			}
			seen[r.Num] = it.hint
			if it.hint == "V" && it.sigField {
				continue // a signature value: its own references do not matter
			}
			x, err := f.Object(r.Num)
			if err != nil {
				continue
			}
			o = x
			it.cat = r.Num == root.Num
		}
		switch v := o.(type) {
		case pdfstruct.Array:
			for _, e := range v {
				if isContainer(e) {
					stack = append(stack, item{o: e, hint: it.hint})
				}
			}
		case pdfstruct.Dict, *pdfstruct.Stream:
			d := dictOf(v)
			ft, _ := d.Name("FT")
			for k, e := range d {
				if k == "Parent" || (it.cat && skipDSS && k == "DSS") || !isContainer(e) {
					continue
				}
				stack = append(stack, item{o: e, hint: string(k), sigField: k == "V" && ft == "Sig"})
			}
		}
	}
	return seen, false
}

func isContainer(o pdfstruct.Object) bool {
	switch o.(type) {
	case pdfstruct.Ref, pdfstruct.Array, pdfstruct.Dict, *pdfstruct.Stream:
		return true
	}
	return false
}

// reachDSS returns the objects referenced from the catalog's /DSS.
func reachDSS(f *pdfstruct.File) map[int]bool {
	cat, err := f.Catalog()
	if err != nil || cat["DSS"] == nil {
		return map[int]bool{}
	}
	return walk(f, []pdfstruct.Object{cat["DSS"]}, nil)
}
