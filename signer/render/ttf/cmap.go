package ttf

import (
	"sort"
	"unicode/utf16"
)

// group maps the runes lo..hi to consecutive glyphs starting at gid.
type group struct {
	lo, hi rune
	gid    uint32
}

// cmap is a character map decoded into sorted, non-overlapping groups.
type cmap struct {
	groups    []group
	numGlyphs int
}

func (c *cmap) lookup(r rune) int {
	g := c.groups
	i := sort.Search(len(g), func(i int) bool { return g[i].hi >= r })
	if i == len(g) || g[i].lo > r {
		return 0
	}
	gid := int(g[i].gid) + int(r-g[i].lo)
	if gid >= c.numGlyphs {
		return 0
	}
	return gid
}

func (c *cmap) each(fn func(r rune, gid int)) {
	for _, g := range c.groups {
		for r := g.lo; r <= g.hi; r++ {
			if gid := int(g.gid) + int(r-g.lo); gid > 0 && gid < c.numGlyphs {
				fn(r, gid)
			}
		}
	}
}

// add appends the mapping r → gid, extending the last group when it
// continues it. Runes must arrive in increasing order.
func (c *cmap) add(r rune, gid uint32) {
	if n := len(c.groups); n > 0 {
		last := &c.groups[n-1]
		if last.hi+1 == r && last.gid+uint32(last.hi-last.lo)+1 == gid {
			last.hi = r
			return
		}
	}
	c.groups = append(c.groups, group{lo: r, hi: r, gid: gid})
}

func (f *Font) parseCmap() error {
	t, err := f.need("cmap", 4)
	if err != nil {
		return err
	}
	n := u16(t, 2)
	if 4+8*n > len(t) {
		return invalid("cmap: %d encoding records in %d bytes", n, len(t))
	}
	// Preference: full Unicode (format 12) first, then BMP (format 4).
	best, bestRank := -1, 0
	for i := 0; i < n; i++ {
		rec := t[4+8*i:]
		pid, eid := u16(rec, 0), u16(rec, 2)
		off := int64(u32(rec, 4))
		if off+2 > int64(len(t)) {
			return invalid("cmap: subtable offset %d beyond table", off)
		}
		format := u16(t, int(off))
		rank := 0
		switch {
		case format == 12 && (pid == 3 && eid == 10 || pid == 0):
			rank = 4
		case format == 4 && (pid == 3 && eid == 1 || pid == 0):
			rank = 2
		}
		if rank > bestRank {
			best, bestRank = int(off), rank
		}
	}
	if best < 0 {
		return invalid("cmap: no Unicode subtable of format 4 or 12")
	}
	f.cmap.numGlyphs = f.NumGlyphs
	if bestRank == 4 {
		return f.cmap.parse12(t[best:])
	}
	return f.cmap.parse4(t[best:])
}

func (c *cmap) parse4(t []byte) error {
	if len(t) < 14 {
		return invalid("cmap format 4: header truncated")
	}
	length := u16(t, 2)
	if length < 14 || length > len(t) {
		// Some fonts state a wrong length; trust the data we have but
		// never read past the table.
		length = len(t)
	}
	t = t[:length]
	segX2 := u16(t, 6)
	if segX2%2 != 0 || 16+4*segX2 > len(t) {
		return invalid("cmap format 4: %d segments in %d bytes", segX2/2, len(t))
	}
	ends, starts := 14, 16+segX2
	deltas, ranges := 16+2*segX2, 16+3*segX2
	prevEnd := -1
	for s := 0; s < segX2/2; s++ {
		end, start := u16(t, ends+2*s), u16(t, starts+2*s)
		if start > end {
			return invalid("cmap format 4: segment %d start %#x > end %#x", s, start, end)
		}
		if start <= prevEnd {
			return invalid("cmap format 4: segments overlap or are unsorted at %d", s)
		}
		prevEnd = end
		delta, ro := u16(t, deltas+2*s), u16(t, ranges+2*s)
		for ch := start; ch <= end; ch++ {
			if ch == 0xFFFF {
				break
			}
			var gid int
			if ro == 0 {
				gid = (ch + delta) & 0xFFFF
			} else {
				addr := ranges + 2*s + ro + 2*(ch-start)
				if addr+2 > len(t) {
					return invalid("cmap format 4: glyph index array out of bounds")
				}
				if gid = u16(t, addr); gid != 0 {
					gid = (gid + delta) & 0xFFFF
				}
			}
			if gid != 0 {
				c.add(rune(ch), uint32(gid))
			}
		}
	}
	return nil
}

func (c *cmap) parse12(t []byte) error {
	if len(t) < 16 {
		return invalid("cmap format 12: header truncated")
	}
	n := int64(u32(t, 12))
	if 16+12*n > int64(len(t)) {
		return invalid("cmap format 12: %d groups in %d bytes", n, len(t))
	}
	c.groups = make([]group, 0, n)
	prev := int64(-1)
	for i := 0; i < int(n); i++ {
		g := t[16+12*i:]
		lo, hi, gid := int64(u32(g, 0)), int64(u32(g, 4)), u32(g, 8)
		if lo > hi || hi > 0x10FFFF || lo <= prev {
			return invalid("cmap format 12: bad group %d [%#x,%#x]", i, lo, hi)
		}
		prev = hi
		c.groups = append(c.groups, group{lo: rune(lo), hi: rune(hi), gid: gid})
	}
	return nil
}

func (f *Font) parseName() error {
	f.PostScriptName = "Font"
	t, ok := f.tables["name"]
	if !ok {
		return nil
	}
	if len(t) < 6 {
		return invalid("name table of %d bytes", len(t))
	}
	n, strOff := u16(t, 2), u16(t, 4)
	if 6+12*n > len(t) {
		return invalid("name: %d records in %d bytes", n, len(t))
	}
	for i := 0; i < n; i++ {
		rec := t[6+12*i:]
		pid, eid, nameID := u16(rec, 0), u16(rec, 2), u16(rec, 6)
		length, off := u16(rec, 8), u16(rec, 10)
		if nameID != 6 {
			continue
		}
		if strOff+off+length > len(t) {
			return invalid("name: record %d beyond table", i)
		}
		raw := t[strOff+off : strOff+off+length]
		var s string
		switch {
		case pid == 3 && eid == 1 || pid == 0:
			u := make([]uint16, len(raw)/2)
			for j := range u {
				u[j] = uint16(u16(raw, 2*j))
			}
			s = string(utf16.Decode(u))
		case pid == 1 && eid == 0:
			s = string(raw)
		default:
			continue
		}
		if ps := psName(s); ps != "" {
			f.PostScriptName = ps
			return nil
		}
	}
	return nil
}

// psName keeps the characters allowed in a PDF name and a PostScript font
// name, at most 63 of them.
func psName(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > '!' && r <= '~' && r != '(' && r != ')' && r != '[' && r != ']' && r != '{' &&
			r != '}' && r != '<' && r != '>' && r != '/' && r != '%' && r != '#' && len(b) < 63 {
			b = append(b, byte(r))
		}
	}
	return string(b)
}
