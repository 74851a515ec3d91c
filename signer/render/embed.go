package render

import (
	"crypto/sha256"
	"strconv"
	"strings"

	"sihub/signer/render/pdfw"
	"sihub/signer/render/ttf"
)

// fontObjects writes the Type0 font, its CIDFont, descriptor, subset
// program and ToUnicode map as object fontObj and four new objects.
func (d *doc) fontObjects(w *pdfw.Writer, fontObj int) error {
	maps := make([]ttf.Mapping, 0, len(d.runeOf)-1)
	for id := 1; id < len(d.runeOf); id++ {
		maps = append(maps, ttf.Mapping{Rune: d.runeOf[id], Glyph: id})
	}
	sub, err := d.font.tt.Subset(d.old, maps)
	if err != nil {
		return err
	}
	base := subsetTag(sub.Old) + "+" + d.font.name
	cidObj, descObj, fileObj, tuObj := w.Alloc(), w.Alloc(), w.Alloc(), w.Alloc()

	w.Object(fontObj, "<< /Type /Font /Subtype /Type0 /BaseFont /"+base+
		" /Encoding /Identity-H /DescendantFonts ["+ref(cidObj)+"] /ToUnicode "+ref(tuObj)+" >>")

	var b strings.Builder
	b.Grow(64 + 6*len(sub.Old))
	b.WriteString("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /")
	b.WriteString(base)
	b.WriteString(" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ")
	b.WriteString(ref(descObj))
	b.WriteString(" /CIDToGIDMap /Identity /DW 1000 /W [0 [")
	for i, g := range sub.Old {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(int(d.font.adv[g])))
	}
	b.WriteString("]] >>")
	w.Object(cidObj, b.String())

	tt := d.font.tt
	s := func(v int) string { return strconv.Itoa(int(float64(v)*d.font.scale + 0.5*sign(v))) }
	w.Object(descObj, "<< /Type /FontDescriptor /FontName /"+base+" /Flags 4 /FontBBox ["+
		s(tt.XMin)+" "+s(tt.YMin)+" "+s(tt.XMax)+" "+s(tt.YMax)+"] /ItalicAngle "+
		strconv.FormatFloat(tt.ItalicAngle, 'f', -1, 64)+" /Ascent "+s(tt.Ascent)+" /Descent "+s(tt.Descent)+
		" /CapHeight "+s(tt.CapHeight)+" /StemV 80 /FontFile2 "+ref(fileObj)+" >>")
	w.Stream(fileObj, "/Length1 "+strconv.Itoa(len(sub.Data)), sub.Data, pdfw.Huffman)
	w.Stream(tuObj, "", d.toUnicode(), pdfw.Fast)
	return nil
}

func sign(v int) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// toUnicode writes a CMap mapping every drawn subset id to its character
// (UTF-16BE, surrogate pairs beyond the BMP). Component-only glyphs added
// by the subsetter are never drawn and have no entry.
func (d *doc) toUnicode() []byte {
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, 400+len(d.runeOf)*18)
	b = append(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"+
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"+
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"+
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"...)
	h4 := func(b []byte, v uint16) []byte {
		return append(b, hex[v>>12], hex[v>>8&15], hex[v>>4&15], hex[v&15])
	}
	ids := d.runeOf[1:]
	for start := 0; start < len(ids); start += 100 {
		end := min(start+100, len(ids))
		b = strconv.AppendInt(b, int64(end-start), 10)
		b = append(b, " beginbfchar\n"...)
		for i := start; i < end; i++ {
			b = append(b, '<')
			b = h4(b, uint16(i+1))
			b = append(b, "> <"...)
			r := ids[i]
			if r >= 0x10000 {
				r -= 0x10000
				b = h4(b, uint16(0xD800+(r>>10)))
				b = h4(b, uint16(0xDC00+(r&0x3FF)))
			} else {
				b = h4(b, uint16(r))
			}
			b = append(b, ">\n"...)
		}
		b = append(b, "endbfchar\n"...)
	}
	b = append(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"...)
	return b
}

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
