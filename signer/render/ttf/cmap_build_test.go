package ttf

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestCmapMerged builds the cmap of two mapping lists merged, with runes
// listed twice, runs, and runes at the edge of the BMP and beyond, and
// reads both subtables back: every rune maps to its first mapping (the
// first list's before the second's), and no other rune maps.
func TestCmapMerged(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := []rune{0x20, 0x41, 0x42, 0x43, 0x4E00, 0x4E01, 0x4E02, 0x9FA5, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x10001, 0x20BB7}
	for round := 0; round < 200; round++ {
		var a, b []Mapping
		for i := rng.IntN(12); i > 0; i-- {
			a = append(a, Mapping{Rune: pick[rng.IntN(len(pick))], Glyph: 1 + rng.IntN(30)})
		}
		for i := rng.IntN(12); i > 0; i-- {
			b = append(b, Mapping{Rune: pick[rng.IntN(len(pick))], Glyph: 1 + rng.IntN(30)})
		}
		a, b = sortedMappings(a), sortedMappings(b)
		want := map[rune]int{}
		for _, m := range slices.Concat(a, b) {
			if _, ok := want[m.Rune]; !ok {
				want[m.Rune] = m.Glyph
			}
		}
		g := cmapGroups(nil, a, b)
		tab := appendCmap([]byte{0xAA}, g)[1:]
		if len(tab) != cmapLen(g) {
			t.Fatalf("cmap of %d bytes, cmapLen says %d", len(tab), cmapLen(g))
		}
		for _, format := range []int{4, 12} {
			var c cmap
			c.numGlyphs = 1 << 16
			var err error
			if format == 4 {
				err = c.parse4(tab[u32(tab, 8):])
			} else {
				err = c.parse12(tab[u32(tab, 16):])
			}
			if err != nil {
				t.Fatalf("format %d: %v", format, err)
			}
			for _, r := range pick {
				exp := want[r]
				if format == 4 && (r > 0xFFFE) {
					exp = 0
				}
				if got := c.lookup(r); got != exp {
					t.Fatalf("round %d, format %d: U+%04X → %d, want %d (a=%v b=%v)", round, format, r, got, exp, a, b)
				}
			}
		}
	}
}
