package ttf

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
)

// Mapping says that rune Rune is drawn with glyph Glyph of the subset.
type Mapping struct {
	Rune  rune
	Glyph int
}

// Subset is a font program holding a subset of a Font's glyphs.
type Subset struct {
	Data []byte // the TrueType font
	Old  []int  // Old[new glyph id] = glyph id in the original font
}

// maxComponents caps the components of one composite glyph.
const maxComponents = 256

// composite flags (glyf table)
const (
	argsAreWords   = 0x0001
	haveScale      = 0x0008
	moreComponents = 0x0020
	haveXYScale    = 0x0040
	haveTwoByTwo   = 0x0080
)

// components calls fn with the offset of each component's glyph index in a
// composite glyph's data. It returns nil for simple glyphs.
func components(g []byte, fn func(off int) error) error {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil
	}
	p := 10
	for n := 0; ; n++ {
		if n == maxComponents {
			return invalid("composite glyph with more than %d components", maxComponents)
		}
		if p+4 > len(g) {
			return invalid("composite glyph truncated")
		}
		flags := binary.BigEndian.Uint16(g[p:])
		if err := fn(p + 2); err != nil {
			return err
		}
		p += 4
		if flags&argsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if p > len(g) {
			return invalid("composite glyph truncated")
		}
		if flags&moreComponents == 0 {
			return nil
		}
	}
}

// Subset returns a font with the glyphs glyphs (original ids; glyphs[i]
// becomes glyph i of the subset, and glyphs[0] must be 0, .notdef), followed
// by the components of composite glyphs that are not listed, renumbered
// densely. Composite glyphs are rewritten to name their components' new ids;
// all other glyph data is copied unchanged. The subset has a cmap built
// from cmap (Glyph are new ids), long loca, post format 3, and keeps the
// original's OS/2, name and hinting tables.
func (f *Font) Subset(glyphs []int, cmap []Mapping) (*Subset, error) {
	if len(glyphs) == 0 || glyphs[0] != 0 {
		return nil, fmt.Errorf("ttf: subset must start with glyph 0")
	}
	newID := make(map[int]int, len(glyphs)+16)
	old := make([]int, 0, len(glyphs)+16)
	for _, g := range glyphs {
		if g < 0 || g >= f.NumGlyphs {
			return nil, fmt.Errorf("ttf: subset: glyph %d out of range", g)
		}
		if _, dup := newID[g]; dup {
			return nil, fmt.Errorf("ttf: subset: glyph %d listed twice", g)
		}
		newID[g] = len(old)
		old = append(old, g)
	}
	// Follow composite components; appended glyphs are visited in turn.
	size := 0
	for i := 0; i < len(old); i++ {
		g, _ := f.Glyph(old[i])
		size += (len(g) + 3) &^ 3
		err := components(g, func(off int) error {
			c := int(binary.BigEndian.Uint16(g[off:]))
			if c >= f.NumGlyphs {
				return invalid("glyph %d: component %d out of range", old[i], c)
			}
			if _, ok := newID[c]; !ok {
				if len(old) >= 0xFFFF {
					return fmt.Errorf("ttf: subset: too many glyphs")
				}
				newID[c] = len(old)
				old = append(old, c)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	n := len(old)

	glyf := make([]byte, 0, size)
	loca := make([]byte, 4*(n+1))
	for i, o := range old {
		binary.BigEndian.PutUint32(loca[4*i:], uint32(len(glyf)))
		g, _ := f.Glyph(o)
		start := len(glyf)
		glyf = append(glyf, g...)
		out := glyf[start:]
		_ = components(out, func(off int) error {
			c := int(binary.BigEndian.Uint16(out[off:]))
			binary.BigEndian.PutUint16(out[off:], uint16(newID[c]))
			return nil
		})
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	binary.BigEndian.PutUint32(loca[4*n:], uint32(len(glyf)))

	hmtx := make([]byte, 4*n)
	for i, o := range old {
		binary.BigEndian.PutUint16(hmtx[4*i:], f.advances[o])
		binary.BigEndian.PutUint16(hmtx[4*i+2:], uint16(f.lsb(o)))
	}
	head := append([]byte(nil), f.tables["head"][:54]...)
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	hhea := append([]byte(nil), f.tables["hhea"][:36]...)
	binary.BigEndian.PutUint16(hhea[34:], uint16(n))
	maxp := append([]byte(nil), f.tables["maxp"]...)
	binary.BigEndian.PutUint16(maxp[4:], uint16(n))
	post := make([]byte, 32)
	if p := f.tables["post"]; len(p) >= 32 {
		copy(post, p[:32])
	}
	binary.BigEndian.PutUint32(post[0:], 0x00030000)

	tables := map[string][]byte{
		"cmap": buildCmap(cmap), "glyf": glyf, "head": head, "hhea": hhea,
		"hmtx": hmtx, "loca": loca, "maxp": maxp, "post": post,
	}
	for _, tag := range []string{"OS/2", "name", "cvt ", "fpgm", "prep"} {
		if t, ok := f.tables[tag]; ok {
			tables[tag] = t
		}
	}
	return &Subset{Data: assemble(tables), Old: old}, nil
}

// lsb returns the left side bearing of glyph gid from hmtx, or 0 when the
// table does not hold it.
func (f *Font) lsb(gid int) int {
	t := f.tables["hmtx"]
	nm := u16(f.tables["hhea"], 34)
	off := 4*gid + 2
	if gid >= nm {
		off = 4*nm + 2*(gid-nm)
	}
	if off+2 > len(t) {
		return 0
	}
	return i16(t, off)
}

// buildCmap writes a cmap with a format 4 (3,1) subtable for the BMP and a
// format 12 (3,10) subtable for all runes, one segment per rune run.
func buildCmap(m []Mapping) []byte {
	m = append([]Mapping(nil), m...)
	slices.SortFunc(m, func(a, b Mapping) int { return int(a.Rune - b.Rune) })
	var groups, bmp []group
	var c cmap
	for i, x := range m {
		if i > 0 && x.Rune == m[i-1].Rune {
			continue
		}
		c.add(x.Rune, uint32(x.Glyph))
	}
	groups = c.groups
	for _, g := range groups {
		if g.lo > 0xFFFE {
			break
		}
		if g.hi > 0xFFFE {
			g.hi = 0xFFFE
		}
		bmp = append(bmp, g)
	}
	bmp = append(bmp, group{lo: 0xFFFF, hi: 0xFFFF, gid: 0}) // idDelta 1: 0xFFFF → glyph 0
	segs := len(bmp)
	f4len := 16 + 8*segs
	f12len := 16 + 12*len(groups)
	b := make([]byte, 4+8*2, 4+8*2+f4len+f12len)
	binary.BigEndian.PutUint16(b[2:], 2)
	binary.BigEndian.PutUint16(b[4:], 3)
	binary.BigEndian.PutUint16(b[6:], 1)
	binary.BigEndian.PutUint32(b[8:], uint32(len(b)))
	binary.BigEndian.PutUint16(b[12:], 3)
	binary.BigEndian.PutUint16(b[14:], 10)
	binary.BigEndian.PutUint32(b[16:], uint32(len(b)+f4len))

	f4 := make([]byte, f4len)
	binary.BigEndian.PutUint16(f4[0:], 4)
	binary.BigEndian.PutUint16(f4[2:], uint16(f4len))
	binary.BigEndian.PutUint16(f4[6:], uint16(2*segs))
	sr, sel := 1, 0
	for sr*2 <= segs {
		sr *= 2
		sel++
	}
	binary.BigEndian.PutUint16(f4[8:], uint16(2*sr))
	binary.BigEndian.PutUint16(f4[10:], uint16(sel))
	binary.BigEndian.PutUint16(f4[12:], uint16(2*segs-2*sr))
	for i, g := range bmp {
		binary.BigEndian.PutUint16(f4[14+2*i:], uint16(g.hi))
		binary.BigEndian.PutUint16(f4[16+2*segs+2*i:], uint16(g.lo))
		binary.BigEndian.PutUint16(f4[16+4*segs+2*i:], uint16(int(g.gid)-int(g.lo)))
		// idRangeOffset stays 0
	}
	b = append(b, f4...)

	f12 := make([]byte, f12len)
	binary.BigEndian.PutUint16(f12[0:], 12)
	binary.BigEndian.PutUint32(f12[4:], uint32(f12len))
	binary.BigEndian.PutUint32(f12[12:], uint32(len(groups)))
	for i, g := range groups {
		binary.BigEndian.PutUint32(f12[16+12*i:], uint32(g.lo))
		binary.BigEndian.PutUint32(f12[20+12*i:], uint32(g.hi))
		binary.BigEndian.PutUint32(f12[24+12*i:], g.gid)
	}
	return append(b, f12...)
}

// assemble writes an sfnt with the tables sorted by tag, 4-byte aligned,
// with checksums and head.checkSumAdjustment.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	total := 12 + 16*len(tables)
	for tag, t := range tables {
		tags = append(tags, tag)
		total += (len(t) + 3) &^ 3
	}
	sort.Strings(tags)
	out := make([]byte, 12+16*len(tags), total)
	binary.BigEndian.PutUint32(out, 0x00010000)
	n := len(tags)
	sr, sel := 1, 0
	for sr*2 <= n {
		sr *= 2
		sel++
	}
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(16*sr))
	binary.BigEndian.PutUint16(out[8:], uint16(sel))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-16*sr))
	headOff := 0
	for i, tag := range tags {
		t := tables[tag]
		rec := out[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(t))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(t)))
		if tag == "head" {
			headOff = len(out)
		}
		out = append(out, t...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headOff+8:], 0xB1B0AFBA-checksum(out))
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	if len(b) > 0 {
		var tail [4]byte
		copy(tail[:], b)
		sum += binary.BigEndian.Uint32(tail[:])
	}
	return sum
}
