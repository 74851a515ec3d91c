package render

import (
	"crypto/sha256"
	"strconv"
	"sync"

	"sihub/signer/render/pdfw"
	"sihub/signer/render/ttf"
)

// fontObjects writes the Type0 font, its CIDFont, descriptor, subset
// program and ToUnicode map as object fontObj and four new objects. The
// template's share of the program and of the map is copied precompressed.
// It returns where the program's object lies in the file: its bytes
// follow from the font and the glyph list, which the subset tag in
// /BaseFont hashes.
func (d *doc) fontObjects(w *pdfw.Writer, fontObj int) (progStart, progEnd int, err error) {
	t := d.tpl
	maps := make([]ttf.Mapping, 0, len(d.more)+len(d.comps))
	for _, c := range d.comps {
		maps = append(maps, ttf.Mapping{Rune: c.r, Glyph: int(c.id)})
	}
	for i, r := range d.runeOf {
		maps = append(maps, ttf.Mapping{Rune: r, Glyph: d.first + i})
	}
	tail := tailBufs.Get().(*[]byte)
	defer tailBufs.Put(tail)
	sub, err := t.base.ExtendInto(*tail, d.more, maps)
	if err != nil {
		return 0, 0, err
	}
	if cap(sub.Tail) <= 1<<20 {
		*tail = sub.Tail[:0] // copied into the file below
	}
	packed := t.parts
	base := subsetTag(sub.Old) + "+" + d.font.name
	cidObj, descObj, fileObj, tuObj := w.Alloc(), w.Alloc(), w.Alloc(), w.Alloc()

	w.Object(fontObj, "<< /Type /Font /Subtype /Type0 /BaseFont /"+base+
		" /Encoding /Identity-H /DescendantFonts ["+ref(cidObj)+"] /ToUnicode "+ref(tuObj)+" >>")

	b := make([]byte, 0, 256+len(t.widths)+6*(len(sub.Old)-d.first))
	b = append(b, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /"...)
	b = append(b, base...)
	b = append(b, " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor "...)
	b = append(b, ref(descObj)...)
	b = append(b, " /CIDToGIDMap /Identity /DW 1000 /W [0 ["...)
	b = append(b, t.widths...)
	for _, g := range sub.Old[d.first:] {
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(d.font.adv[g]), 10)
	}
	b = append(b, "]] >>"...)
	w.ObjectBytes(cidObj, b)

	tt := d.font.tt
	s := func(v int) string { return strconv.Itoa(int(float64(v)*d.font.scale + 0.5*sign(v))) }
	w.Object(descObj, "<< /Type /FontDescriptor /FontName /"+base+" /Flags 4 /FontBBox ["+
		s(tt.XMin)+" "+s(tt.YMin)+" "+s(tt.XMax)+" "+s(tt.YMax)+"] /ItalicAngle "+
		strconv.FormatFloat(tt.ItalicAngle, 'f', -1, 64)+" /Ascent "+s(tt.Ascent)+" /Descent "+s(tt.Descent)+
		" /CapHeight "+s(tt.CapHeight)+" /StemV 80 /FontFile2 "+ref(fileObj)+" >>")
	progStart = w.Len()
	w.StreamParts(fileObj, "/Length1 "+strconv.Itoa(sub.Len(t.base)),
		[]pdfw.Part{{Raw: sub.Head}, {Pre: packed.program}, {Raw: sub.Tail}}, pdfw.Store)
	progEnd = w.Len()
	w.StreamParts(tuObj, "", []pdfw.Part{{Pre: packed.toUni}, {Raw: d.toUnicodeTail()}}, pdfw.Store)
	return progStart, progEnd, nil
}

func sign(v int) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// toUnicodeTail is the end of the ToUnicode CMap after the template's
// entries: the template's component glyphs the document draws as
// characters and the document's own glyphs, each mapped to the first
// character drawn with it (UTF-16BE). Component-only glyphs added by the
// subsetter are never drawn and have no entry.
func (d *doc) toUnicodeTail() []byte {
	b := make([]byte, 0, 80+(len(d.runeOf)+len(d.comps))*18)
	if len(d.comps) > 0 {
		runes := make([]rune, len(d.comps))
		for i, c := range d.comps {
			runes[i] = c.r
		}
		b = appendCMapIDs(b, func(i int) int { return int(d.comps[i].id) }, runes)
	}
	b = appendCMapEntries(b, d.first, d.runeOf)
	return append(b, cmapTrailer...)
}

// toUnicode returns the whole ToUnicode CMap.
func (d *doc) toUnicode() []byte {
	return append(append([]byte(nil), d.tpl.toUni...), d.toUnicodeTail()...)
}

// tailBufs recycles the memory of font subsets' tails once they are
// written into the file.
var tailBufs = sync.Pool{New: func() any { return new([]byte) }}

// subsetTag derives the six-letter subset prefix from the glyph list.
func subsetTag(old []int) string {
	h := sha256.New()
	var buf [2]byte
	for _, g := range old {
		buf[0], buf[1] = byte(g>>8), byte(g)
		h.Write(buf[:])
	}
	sum := h.Sum(nil)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	return string(tag)
}
