package render

import (
	"strconv"
	"sync"

	"sihub/signer/render/pdfw"
)

// A4 page size in points.
const (
	PageWidth  = 595.28
	PageHeight = 841.89
)

// doc collects the pages of one document and the glyphs they use. The
// template's glyphs have fixed subset ids; the document's other glyphs
// get the ids after the template's, in order of first use, so content can
// be written in one pass and the subset built at the end.
type doc struct {
	font   *Font
	tpl    *template
	first  int               // subset id of the document's first own glyph
	more   []int             // own glyphs: subset id first+i → font glyph
	newID  map[uint16]uint16 // font glyph → subset id, own glyphs
	runeOf []rune            // own glyphs: the first rune drawn with each
	comps  []compUse         // template components drawn as characters
	recent [256]cidEntry     // subset ids of runes drawn, by the rune's low byte
	pages  []*page
}

// page is one page's content stream plus what lies on it.
type page struct {
	c   pdfw.Content
	buf *[]byte // the pooled buffer c.B came from
}

// newDoc starts a document drawn with f and the template t (nil: the
// template of the digits alone).
func newDoc(f *Font, t *template) (*doc, error) {
	if t == nil {
		var err error
		if t, err = f.template(nil); err != nil {
			return nil, err
		}
	}
	d := &doc{font: f, tpl: t, first: t.base.Glyphs(), newID: make(map[uint16]uint16, 64)}
	for r, id := range t.ascii {
		if id != 0 {
			d.recent[r] = cidEntry{rune(r), id}
		}
	}
	return d, nil
}

// compUse records a glyph that the template holds only as a component of
// a composite glyph and that the document draws as a character: it needs
// a ToUnicode entry of its own.
type compUse struct {
	id uint16
	r  rune
}

// cidEntry caches the subset id of one rune.
type cidEntry struct {
	r  rune
	id uint16 // 0: empty
}

// pageBufs recycles page content buffers once they are compressed.
var pageBufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// release returns the document's page buffers for reuse; the pages must
// not be used afterwards.
func (d *doc) release() {
	for _, p := range d.pages {
		if p.buf != nil && cap(p.c.B) <= 1<<20 {
			*p.buf = p.c.B[:0]
			pageBufs.Put(p.buf)
		}
		p.c.B, p.buf = nil, nil
	}
}

func (d *doc) newPage() *page {
	buf := pageBufs.Get().(*[]byte)
	p := &page{c: pdfw.Content{B: (*buf)[:0]}, buf: buf}
	d.pages = append(d.pages, p)
	return p
}

// cid returns the subset id for r, assigning one on first use.
func (d *doc) cid(r rune) uint16 {
	e := &d.recent[r&255]
	if e.r == r && e.id != 0 {
		return e.id
	}
	id := d.cidSlow(r)
	*e = cidEntry{r, id}
	return id
}

func (d *doc) cidSlow(r rune) uint16 {
	g := d.font.glyph(r)
	if id, ok := d.tpl.ids[g]; ok {
		return id
	}
	if id, ok := d.newID[g]; ok {
		return id
	}
	if id, ok := d.tpl.comps[g]; ok {
		d.newID[g] = id
		d.comps = append(d.comps, compUse{id, r})
		return id
	}
	id := uint16(d.first + len(d.more))
	d.newID[g] = id
	d.more = append(d.more, int(g))
	d.runeOf = append(d.runeOf, r)
	return id
}

// appendText appends s as a hex string of subset ids. Control characters
// are skipped.
func (d *doc) appendText(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	b = append(b, '<')
	for _, r := range s {
		if r < 0x20 {
			continue
		}
		id := d.cid(r)
		b = append(b, hex[id>>12], hex[id>>8&15], hex[id>>4&15], hex[id&15])
	}
	return append(b, '>')
}

// text draws s with its baseline starting at (x, y).
func (d *doc) text(c *pdfw.Content, x, y, size float64, s string) {
	c.Raw("BT /F1 ")
	c.Op("Tf", size)
	c.Op("Td", x, y)
	c.B = d.appendText(c.B, s)
	c.Raw(" Tj ET\n")
}

// textBold draws s with a thin outline added to the fill, the usual way
// to embolden a face that has no bold weight.
func (d *doc) textBold(c *pdfw.Content, x, y, size float64, s string) {
	c.Op("w", size/40)
	c.Raw("2 Tr\n")
	d.text(c, x, y, size, s)
	c.Raw("0 Tr\n")
}

func ref(n int) string { return strconv.Itoa(n) + " 0 R" }
