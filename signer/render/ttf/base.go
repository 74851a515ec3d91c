package ttf

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
)

// Base is the part that a family of subsets shares: a fixed list of
// glyphs (with the components of its composite glyphs) and the font's
// constant tables. A subset built with Extend is the base's glyphs
// followed by the extra glyphs of one document, and its font program is
// Head, then Fixed, then Tail: Fixed is the same bytes for every subset
// of the base, so a caller can compress it once and reuse the result.
//
// The program's table directory is sorted by tag as the format requires;
// the table data is laid out in the order constant tables (OS/2, name,
// hinting), glyf, then the tables that depend on the extra glyphs (cmap,
// head, hhea, hmtx, loca, maxp, post), which the format allows. A Base is
// read-only once built and safe for concurrent use.
type Base struct {
	f        *Font
	old      []int                 // base id → glyph of the font
	newID    map[int]int           // glyph of the font → base id
	tags     []string              // every table of a subset, sorted
	consts   []string              // constant tables, in file order
	fixed    []byte                // constant tables, then the base glyphs' glyf data
	glyfAt   int                   // offset of glyf data in fixed
	constAt  map[string]constTable // where each constant table lies in fixed
	glyfSum  uint32                // checksum of the base glyphs' glyf data
	fixedSum uint32                // checksum of fixed
	cmap     []Mapping             // the base's character map, sorted by rune
	hmtx     []byte                // the base glyphs' hmtx entries
	loca     []byte                // the base glyphs' long loca entries
}

// constTable locates a constant table in a Base's fixed bytes.
type constTable struct {
	off, len int
	sum      uint32
}

// constTables are copied unchanged into every subset, when present.
var constTables = []string{"OS/2", "name", "cvt ", "fpgm", "prep"}

// builtTables are written for every subset from its glyph list.
var builtTables = []string{"cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "post"}

// NewBase returns the base made of glyphs (original ids; glyphs[i]
// becomes glyph i of every subset, and glyphs[0] must be 0, .notdef)
// followed by the components of its composite glyphs that are not
// listed. cmap is the base's share of every subset's character map
// (Glyph are new ids).
func (f *Font) NewBase(glyphs []int, cmap []Mapping) (*Base, error) {
	if len(glyphs) == 0 || glyphs[0] != 0 {
		return nil, fmt.Errorf("ttf: subset must start with glyph 0")
	}
	b := &Base{f: f, newID: make(map[int]int, len(glyphs)+16), old: make([]int, 0, len(glyphs)+16),
		constAt: make(map[string]constTable, len(constTables))}
	for _, g := range glyphs {
		if err := b.add(g, nil); err != nil {
			return nil, err
		}
	}
	if err := f.closeComponents(&b.old, 0, func(g int) (int, bool) { id, ok := b.newID[g]; return id, ok },
		func(g int) { b.newID[g] = len(b.old) }); err != nil {
		return nil, err
	}
	b.tags = append(b.tags, builtTables...)
	for _, tag := range constTables {
		t, ok := f.tables[tag]
		if !ok {
			continue
		}
		b.tags = append(b.tags, tag)
		b.consts = append(b.consts, tag)
		b.constAt[tag] = constTable{off: len(b.fixed), len: len(t), sum: checksum(t)}
		b.fixed = append(b.fixed, t...)
		b.fixed = pad4(b.fixed)
	}
	slices.Sort(b.tags)
	b.cmap = sortedMappings(cmap)
	b.glyfAt = len(b.fixed)
	b.fixed = f.appendGlyphs(b.fixed, b.old, b.id)
	b.glyfSum = checksum(b.fixed[b.glyfAt:])
	b.hmtx = f.appendHmtx(nil, b.old)
	b.loca, _ = f.appendLoca(nil, 0, b.old)
	b.fixedSum = checksum(b.fixed)
	return b, nil
}

// add appends glyph g, refusing duplicates and glyphs out of range.
func (b *Base) add(g int, ext map[int]int) error {
	if g < 0 || g >= b.f.NumGlyphs {
		return fmt.Errorf("ttf: subset: glyph %d out of range", g)
	}
	if _, dup := b.newID[g]; dup {
		return fmt.Errorf("ttf: subset: glyph %d listed twice", g)
	}
	if ext == nil {
		b.newID[g] = len(b.old)
		b.old = append(b.old, g)
		return nil
	}
	if _, dup := ext[g]; dup {
		return fmt.Errorf("ttf: subset: glyph %d listed twice", g)
	}
	return nil
}

// id returns the base id of glyph g.
func (b *Base) id(g int) int { return b.newID[g] }

// Glyphs returns the number of glyphs in the base, components included:
// the first id Extend gives to an extra glyph.
func (b *Base) Glyphs() int { return len(b.old) }

// Old returns the base's glyphs: Old()[base id] = glyph of the font. It
// must not be modified.
func (b *Base) Old() []int { return b.old }

// Fixed returns the bytes every subset of the base shares. They must not
// be modified.
func (b *Base) Fixed() []byte { return b.fixed }

// Split is one subset of a Base: its font program is Head, the base's
// Fixed bytes and Tail, in this order.
type Split struct {
	Head, Tail []byte
	Old        []int // Old[new glyph id] = glyph id in the original font
}

// Len is the length of the subset's font program.
func (s *Split) Len(b *Base) int { return len(s.Head) + len(b.fixed) + len(s.Tail) }

// Extend returns the subset made of the base's glyphs followed by more
// (original ids, none of them in the base; more[i] becomes glyph
// b.Glyphs()+i) and then the components of more's composite glyphs that
// neither lists. Composite glyphs are rewritten to name their components'
// new ids; other glyph data is copied unchanged. The subset has a cmap
// made of the base's and cmap (the extra glyphs' share, Glyph are new
// ids), long loca and post format 3.
func (b *Base) Extend(more []int, cmap []Mapping) (*Split, error) {
	return b.ExtendInto(nil, more, cmap)
}

// ExtendInto is Extend writing the subset's Tail into buf's memory (from
// its start) when it has room: the way to reuse the memory of a Tail no
// longer needed.
func (b *Base) ExtendInto(buf []byte, more []int, cmap []Mapping) (*Split, error) {
	f := b.f
	nb := len(b.old)
	// Room for the components of more's composite glyphs: CJK glyphs
	// are often built of a few.
	ext := make(map[int]int, 4*len(more)+8)
	old := make([]int, nb, nb+4*len(more)+16)
	copy(old, b.old)
	for _, g := range more {
		if err := b.add(g, ext); err != nil {
			return nil, err
		}
		ext[g] = len(old)
		old = append(old, g)
	}
	lookup := func(g int) (int, bool) {
		if id, ok := b.newID[g]; ok {
			return id, true
		}
		id, ok := ext[g]
		return id, ok
	}
	if err := f.closeComponents(&old, nb, lookup, func(g int) { ext[g] = len(old) }); err != nil {
		return nil, err
	}
	n := len(old)
	newID := func(g int) int { id, _ := lookup(g); return id }

	extraGlyf := 0
	for _, o := range old[nb:] {
		extraGlyf += (int(f.loca[o+1]-f.loca[o]) + 3) &^ 3
	}
	gs := groupBufs.Get().(*[]group)
	defer groupBufs.Put(gs)
	*gs = cmapGroups((*gs)[:0], b.cmap, sortedMappings(cmap))
	groups := *gs
	cmLen := cmapLen(groups)
	maxp := f.tables["maxp"]
	pad := func(l int) int { return (l + 3) &^ 3 }
	tail := slices.Grow(buf[:0], extraGlyf+pad(cmLen)+56+36+4*n+4*(n+1)+pad(len(maxp))+32)
	tail = f.appendGlyphs(tail, old[nb:], newID)

	// The built tables after the extra glyphs, in builtTables order
	// (glyf's entry stays empty): where each lies in tail.
	var at [8]struct{ off, len int }
	put := func(i int, write func(t []byte) []byte) {
		start := len(tail)
		tail = write(tail)
		at[i].off, at[i].len = start, len(tail)-start
		tail = pad4(tail)
	}
	put(0, func(t []byte) []byte { return appendCmap(t, groups) })
	put(2, func(t []byte) []byte {
		t = append(t, f.tables["head"][:54]...)
		h := t[len(t)-54:]
		binary.BigEndian.PutUint32(h[8:], 0)  // checkSumAdjustment, set below
		binary.BigEndian.PutUint16(h[50:], 1) // long loca
		return t
	})
	put(3, func(t []byte) []byte {
		t = append(t, f.tables["hhea"][:36]...)
		binary.BigEndian.PutUint16(t[len(t)-2:], uint16(n)) // numberOfHMetrics
		return t
	})
	put(4, func(t []byte) []byte { return f.appendHmtx(append(t, b.hmtx...), old[nb:]) })
	put(5, func(t []byte) []byte {
		t, end := f.appendLoca(append(t, b.loca...), len(b.fixed)-b.glyfAt, old[nb:])
		return binary.BigEndian.AppendUint32(t, uint32(end))
	})
	put(6, func(t []byte) []byte {
		t = append(t, maxp...)
		binary.BigEndian.PutUint16(t[len(t)-len(maxp)+4:], uint16(n))
		return t
	})
	put(7, func(t []byte) []byte {
		start := len(t)
		t = append(t, make([]byte, 32)...)
		if p := f.tables["post"]; len(p) >= 32 {
			copy(t[start:], p[:32])
		}
		binary.BigEndian.PutUint32(t[start:], 0x00030000)
		return t
	})

	dirLen := 12 + 16*len(b.tags)
	tailAt := dirLen + len(b.fixed)
	hdr := make([]byte, dirLen)
	binary.BigEndian.PutUint32(hdr, 0x00010000)
	nt := len(b.tags)
	sr, sel := 1, 0
	for sr*2 <= nt {
		sr *= 2
		sel++
	}
	binary.BigEndian.PutUint16(hdr[4:], uint16(nt))
	binary.BigEndian.PutUint16(hdr[6:], uint16(16*sr))
	binary.BigEndian.PutUint16(hdr[8:], uint16(sel))
	binary.BigEndian.PutUint16(hdr[10:], uint16(16*nt-16*sr))
	headAt := 0
	for i, tag := range b.tags {
		var off, length int
		var sum uint32
		switch bi := slices.Index(builtTables, tag); {
		case tag == "glyf":
			off, length = dirLen+b.glyfAt, len(b.fixed)-b.glyfAt+extraGlyf
			sum = b.glyfSum + checksum(tail[:extraGlyf])
		case bi >= 0:
			off, length = tailAt+at[bi].off, at[bi].len
			sum = checksum(tail[at[bi].off : at[bi].off+at[bi].len])
			if tag == "head" {
				headAt = at[bi].off
			}
		default:
			c := b.constAt[tag]
			off, length, sum = dirLen+c.off, c.len, c.sum
		}
		rec := hdr[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[4:], sum)
		binary.BigEndian.PutUint32(rec[8:], uint32(off))
		binary.BigEndian.PutUint32(rec[12:], uint32(length))
	}
	// The whole file's checksum is the sum of its aligned parts'.
	total := checksum(hdr) + b.fixedSum + checksum(tail)
	binary.BigEndian.PutUint32(tail[headAt+8:], 0xB1B0AFBA-total)
	return &Split{Head: hdr, Tail: tail, Old: old}, nil
}

// sortedMappings returns a copy of m sorted by rune.
func sortedMappings(m []Mapping) []Mapping {
	m = slices.Clone(m)
	slices.SortStableFunc(m, func(a, b Mapping) int { return int(a.Rune - b.Rune) })
	return m
}

// groupBufs recycles Extend's cmap groups.
var groupBufs = sync.Pool{New: func() any { return new([]group) }}

// closeComponents appends to *old the components of the composite
// glyphs in (*old)[from:] that lookup does not know, calling added for
// each before it is appended; appended glyphs are visited in turn.
func (f *Font) closeComponents(old *[]int, from int, lookup func(int) (int, bool), added func(int)) error {
	for i := from; i < len(*old); i++ {
		g, _ := f.Glyph((*old)[i])
		err := components(g, func(off int) error {
			c := int(binary.BigEndian.Uint16(g[off:]))
			if c >= f.NumGlyphs {
				return invalid("glyph %d: component %d out of range", (*old)[i], c)
			}
			if _, ok := lookup(c); !ok {
				if len(*old) >= 0xFFFF {
					return fmt.Errorf("ttf: subset: too many glyphs")
				}
				added(c)
				*old = append(*old, c)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// appendHmtx appends the hmtx entries (advance, left side bearing) of
// glyphs.
func (f *Font) appendHmtx(dst []byte, glyphs []int) []byte {
	for _, o := range glyphs {
		dst = binary.BigEndian.AppendUint16(dst, f.advances[o])
		dst = binary.BigEndian.AppendUint16(dst, uint16(f.lsb(o)))
	}
	return dst
}

// appendLoca appends long loca entries for glyphs laid out from offset
// at, each padded to four bytes, and returns the offset after the last.
func (f *Font) appendLoca(dst []byte, at int, glyphs []int) ([]byte, int) {
	for _, o := range glyphs {
		dst = binary.BigEndian.AppendUint32(dst, uint32(at))
		at += (int(f.loca[o+1]-f.loca[o]) + 3) &^ 3
	}
	return dst, at
}

// appendGlyphs appends the glyf data of glyphs, each padded to four
// bytes, with composite glyphs' components renumbered by newID.
func (f *Font) appendGlyphs(dst []byte, glyphs []int, newID func(int) int) []byte {
	for _, o := range glyphs {
		g, _ := f.Glyph(o)
		start := len(dst)
		dst = append(dst, g...)
		out := dst[start:]
		_ = components(out, func(off int) error {
			c := int(binary.BigEndian.Uint16(out[off:]))
			binary.BigEndian.PutUint16(out[off:], uint16(newID(c)))
			return nil
		})
		dst = pad4(dst)
	}
	return dst
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}
