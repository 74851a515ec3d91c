package ttf

import (
	"encoding/binary"
	"slices"
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
	b, err := f.NewBase(glyphs, cmap)
	if err != nil {
		return nil, err
	}
	sp, err := b.Extend(nil, nil)
	if err != nil {
		return nil, err
	}
	data := make([]byte, 0, sp.Len(b))
	data = append(append(append(data, sp.Head...), b.fixed...), sp.Tail...)
	return &Subset{Data: data, Old: sp.Old}, nil
}

// lsb returns the left side bearing of glyph gid from hmtx, or 0 when the
// table does not hold it.
func (f *Font) lsb(gid int) int {
	off := 4*gid + 2
	if gid >= f.numHMetrics {
		off = 4*f.numHMetrics + 2*(gid-f.numHMetrics)
	}
	if off+2 > len(f.hmtx) {
		return 0
	}
	return i16(f.hmtx, off)
}

// buildCmap writes a cmap with a format 4 (3,1) subtable for the BMP and a
// format 12 (3,10) subtable for all runes, one segment per rune run.
// m must be sorted by rune.
func buildCmap(m []Mapping) []byte {
	g := cmapGroups(nil, m, nil)
	return appendCmap(make([]byte, 0, cmapLen(g)), g)
}

// cmapGroups appends to dst the groups of the mappings of a and b merged
// (each sorted by rune): a rune listed twice keeps its first mapping,
// a's before b's.
func cmapGroups(dst []group, a, b []Mapping) []group {
	c := cmap{groups: dst}
	prev, any := rune(0), false
	for len(a) > 0 || len(b) > 0 {
		var x Mapping
		if len(a) == 0 || len(b) > 0 && b[0].Rune < a[0].Rune {
			x, b = b[0], b[1:]
		} else {
			x, a = a[0], a[1:]
		}
		if any && x.Rune == prev {
			continue
		}
		prev, any = x.Rune, true
		c.add(x.Rune, uint32(x.Glyph))
	}
	return c.groups
}

// bmpSegments is the number of format 4 segments for groups: those that
// start in the BMP, and the final 0xFFFF one.
func bmpSegments(groups []group) int {
	n := 1
	for _, g := range groups {
		if g.lo > 0xFFFE {
			break
		}
		n++
	}
	return n
}

// cmapLen is the length of the cmap table appendCmap writes for groups.
func cmapLen(groups []group) int {
	return 4 + 8*2 + 16 + 8*bmpSegments(groups) + 16 + 12*len(groups)
}

// appendCmap appends the cmap table of groups (sorted, non-overlapping).
func appendCmap(b []byte, groups []group) []byte {
	segs := bmpSegments(groups)
	f4len := 16 + 8*segs
	f12len := 16 + 12*len(groups)
	start := len(b)
	b = slices.Grow(b, cmapLen(groups))[:start+cmapLen(groups)]
	t := b[start:]
	clear(t)
	const hdr = 4 + 8*2
	binary.BigEndian.PutUint16(t[2:], 2)
	binary.BigEndian.PutUint16(t[4:], 3)
	binary.BigEndian.PutUint16(t[6:], 1)
	binary.BigEndian.PutUint32(t[8:], hdr)
	binary.BigEndian.PutUint16(t[12:], 3)
	binary.BigEndian.PutUint16(t[14:], 10)
	binary.BigEndian.PutUint32(t[16:], uint32(hdr+f4len))

	f4 := t[hdr : hdr+f4len]
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
	seg := func(i int, g group) {
		binary.BigEndian.PutUint16(f4[14+2*i:], uint16(g.hi))
		binary.BigEndian.PutUint16(f4[16+2*segs+2*i:], uint16(g.lo))
		binary.BigEndian.PutUint16(f4[16+4*segs+2*i:], uint16(int(g.gid)-int(g.lo)))
		// idRangeOffset stays 0
	}
	for i, g := range groups[:segs-1] {
		g.hi = min(g.hi, 0xFFFE)
		seg(i, g)
	}
	seg(segs-1, group{lo: 0xFFFF, hi: 0xFFFF, gid: 0}) // idDelta 1: 0xFFFF → glyph 0

	f12 := t[hdr+f4len:]
	binary.BigEndian.PutUint16(f12[0:], 12)
	binary.BigEndian.PutUint32(f12[4:], uint32(f12len))
	binary.BigEndian.PutUint32(f12[12:], uint32(len(groups)))
	for i, g := range groups {
		binary.BigEndian.PutUint32(f12[16+12*i:], uint32(g.lo))
		binary.BigEndian.PutUint32(f12[20+12*i:], uint32(g.hi))
		binary.BigEndian.PutUint32(f12[24+12*i:], g.gid)
	}
	return b
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
