package render

import (
	"strconv"
	"sync"

	"sihub/signer/render/pdfw"
	"sihub/signer/render/ttf"
)

// A template is what the documents printed from the same template text
// share in their font: the glyphs of their fixed words (title, labels,
// headings, column titles, notes, the agency's name, digits) come first
// in every subset, with fixed ids, so that part of the font program, of
// its width array and of its ToUnicode map is built and compressed once
// per process. Each document adds only the glyphs of its own data
// (names, addresses, employers), written and compressed per document.
//
// Templates are kept per Font, keyed by the exact list of template
// glyphs, at most maxTemplates of them; when full, an arbitrary one makes
// room for the new one, so a steady set of templates larger than the cache
// costs an occasional rebuild, not all of them at once. The level of the
// template's compression is fixed, so a document's bytes do not depend on
// what was rendered before; level 5 compresses the template's part of the
// font program within 2 % of level 9 in the time of level 1, so that text
// mistaken for template (changing with every document) costs about what
// a plain subset would.
type template struct {
	base   *ttf.Base
	ids    map[uint16]uint16 // font glyph → subset id, template glyphs only
	comps  map[uint16]uint16 // font glyph → subset id, the components the base added
	ascii  [128]uint16       // rune → subset id of the template's ASCII characters, 0 none
	widths []byte            // /W widths of every base id, space separated
	toUni  []byte            // ToUnicode: the header and the template glyphs' entries
	parts  *templateParts
	seals  sealCache // the seal appearances drawn with the template's glyphs
}

// templateParts are a template's compressed parts.
type templateParts struct {
	program *pdfw.Deflated // base.Fixed()
	toUni   *pdfw.Deflated // template.toUni
}

// pack compresses the template's parts at level.
func (t *template) pack(level int) (*templateParts, error) {
	prog, err := pdfw.Deflate(t.base.Fixed(), level)
	if err != nil {
		return nil, err
	}
	tu, err := pdfw.Deflate(t.toUni, level)
	if err != nil {
		return nil, err
	}
	return &templateParts{program: prog, toUni: tu}, nil
}

// maxTemplates bounds the templates a Font keeps: a few kinds times
// languages times agencies.
const maxTemplates = 128

// templateLevel is the flate level of the parts compressed once.
const templateLevel = 5

// templates caches a Font's templates.
type templates struct {
	mu sync.RWMutex
	m  map[string]*template
}

// baseText is in every template: the digits and the punctuation of
// dates, amounts and numbers.
const baseText = "0123456789.-:/ %"

// template returns the template for the glyphs of ss and baseText, in
// order of first use, building it on first use.
func (f *Font) template(ss []string) (*template, error) {
	var seen [1 << 16 / 64]uint64
	var buf [1024]byte
	key := buf[:0]
	var runes []rune // the rune each glyph of key was first seen with; only on a miss
	walk := func(fn func(g uint16, r rune)) {
		seen = [len(seen)]uint64{}
		each := func(s string) {
			for _, r := range s {
				if r < 0x20 {
					continue
				}
				g := f.glyph(r)
				if g == 0 || seen[g>>6]&(1<<(g&63)) != 0 {
					continue
				}
				seen[g>>6] |= 1 << (g & 63)
				fn(g, r)
			}
		}
		each(baseText)
		for _, s := range ss {
			each(s)
		}
	}
	walk(func(g uint16, _ rune) { key = append(key, byte(g>>8), byte(g)) })
	f.tpl.mu.RLock()
	t := f.tpl.m[string(key)]
	f.tpl.mu.RUnlock()
	if t != nil {
		return t, nil
	}
	walk(func(_ uint16, r rune) { runes = append(runes, r) })
	maps := make([]ttf.Mapping, len(runes))
	for i, r := range runes {
		maps[i] = ttf.Mapping{Rune: r, Glyph: i + 1}
	}
	t, err := f.buildTemplate(key, maps)
	if err != nil {
		return nil, err
	}
	f.tpl.mu.Lock()
	if f.tpl.m == nil {
		f.tpl.m = make(map[string]*template)
	}
	for k := range f.tpl.m {
		if len(f.tpl.m) < maxTemplates {
			break
		}
		delete(f.tpl.m, k)
	}
	f.tpl.m[string(key)] = t
	f.tpl.mu.Unlock()
	return t, nil
}

// buildTemplate prepares the template whose glyphs are listed in key
// (two bytes each) and drawn with the runes of maps.
func (f *Font) buildTemplate(key []byte, maps []ttf.Mapping) (*template, error) {
	glyphs := make([]int, 1, 1+len(key)/2)
	ids := make(map[uint16]uint16, len(key)/2)
	for i := 0; i < len(key); i += 2 {
		g := uint16(key[i])<<8 | uint16(key[i+1])
		ids[g] = uint16(len(glyphs))
		glyphs = append(glyphs, int(g))
	}
	base, err := f.tt.NewBase(glyphs, maps)
	if err != nil {
		return nil, err
	}
	t := &template{base: base, ids: ids, comps: make(map[uint16]uint16)}
	for i, g := range base.Old()[len(glyphs):] {
		t.comps[uint16(g)] = uint16(len(glyphs) + i)
	}
	for r := rune(0x20); r < 0x80; r++ {
		t.ascii[r] = ids[f.glyph(r)]
	}
	for i, g := range base.Old() {
		if i > 0 {
			t.widths = append(t.widths, ' ')
		}
		t.widths = strconv.AppendInt(t.widths, int64(f.adv[g]), 10)
	}
	runes := make([]rune, len(maps))
	for i, m := range maps {
		runes[i] = m.Rune
	}
	t.toUni = appendCMapEntries([]byte(cmapHeader), 1, runes)
	if t.parts, err = t.pack(templateLevel); err != nil {
		return nil, err
	}
	return t, nil
}

// The ToUnicode CMap's fixed text.
const (
	cmapHeader = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
	cmapTrailer = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
)

// appendCMapEntries appends bfchar blocks (at most 100 entries each)
// mapping ids first, first+1, … to runes (UTF-16BE, surrogate pairs
// beyond the BMP).
func appendCMapEntries(b []byte, first int, runes []rune) []byte {
	return appendCMapIDs(b, func(i int) int { return first + i }, runes)
}

// appendCMapIDs appends bfchar blocks mapping id(i) to runes[i].
func appendCMapIDs(b []byte, id func(i int) int, runes []rune) []byte {
	const hex = "0123456789ABCDEF"
	h4 := func(b []byte, v uint16) []byte {
		return append(b, hex[v>>12], hex[v>>8&15], hex[v>>4&15], hex[v&15])
	}
	for start := 0; start < len(runes); start += 100 {
		end := min(start+100, len(runes))
		b = strconv.AppendInt(b, int64(end-start), 10)
		b = append(b, " beginbfchar\n"...)
		for i := start; i < end; i++ {
			b = append(b, '<')
			b = h4(b, uint16(id(i)))
			b = append(b, "> <"...)
			r := runes[i]
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
	return b
}
