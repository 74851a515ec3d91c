package qr

import "sync"

// grid is the symbol under construction.
type grid struct {
	size int
	dark []bool
	fn   []bool // function modules: not data, not masked
}

func (g *grid) set(x, y int, dark bool) {
	g.dark[y*g.size+x] = dark
	g.fn[y*g.size+x] = true
}

// alignmentPositions returns the row/column centres of the alignment
// patterns of version v.
func alignmentPositions(v int) []int {
	if v == 1 {
		return nil
	}
	n := v/7 + 2
	size := 4*v + 17
	step := 26
	if v != 32 {
		step = (4*v + 2*n + 1) / (2*n - 2) * 2
	}
	pos := make([]int, n)
	pos[0] = 6
	for i, p := n-1, size-7; i >= 1; i, p = i-1, p-step {
		pos[i] = p
	}
	return pos
}

// build lays out the function patterns and the codewords and applies the
// best mask.
func build(v int, codewords []byte) *Code {
	g := place(v, codewords)
	size := g.size
	// Try every mask, keep the lowest penalty (first on ties).
	if size+8 <= 128 {
		return g.bestMaskBits(v)
	}
	base := g.dark
	best, bestScore := -1, 0
	var bestDark []bool
	trial := make([]bool, len(base))
	rows, cols := make([]uint8, len(base)), make([]uint8, len(base))
	score := func() int { return g.penaltyBytes(rows, cols) }
	for m := 0; m < 8; m++ {
		copy(trial, base)
		g.dark = trial
		g.applyMask(v, m)
		g.drawFormat(m)
		if s := score(); best < 0 || s < bestScore {
			best, bestScore = m, s
			if bestDark == nil {
				bestDark = make([]bool, len(base))
			}
			copy(bestDark, trial)
		}
	}
	return &Code{Version: v, Mask: best, Size: size, dark: bestDark}
}

// place draws the function patterns of version v and the codewords,
// unmasked.
func place(v int, codewords []byte) *grid {
	l := layoutFor(v)
	g := &grid{size: l.size, dark: append([]bool(nil), l.dark...), fn: l.fn}
	for i, pos := range l.data {
		if i>>3 >= len(codewords) {
			break
		}
		g.dark[pos] = codewords[i>>3]>>(7-i&7)&1 != 0
	}
	return g
}

// layout is what every symbol of one version shares: the function
// patterns (with mask 0's format bits) and the positions of the data
// modules in placement order.
type layout struct {
	once     sync.Once
	size     int
	dark, fn []bool // fn is shared read-only by the version's grids
	data     []int32
}

var layouts [41]layout

// layoutFor returns the cached layout of version v.
func layoutFor(v int) *layout {
	l := &layouts[v]
	l.once.Do(func() {
		g := newGrid(v)
		size := g.size
		l.size, l.dark, l.fn = size, g.dark, g.fn
		// The two-column zigzag, bottom right first.
		for right := size - 1; right >= 1; right -= 2 {
			if right == 6 {
				right = 5
			}
			upward := (right+1)&2 == 0
			for vert := 0; vert < size; vert++ {
				y := vert
				if upward {
					y = size - 1 - vert
				}
				for j := 0; j < 2; j++ {
					x := right - j
					if !g.fn[y*size+x] {
						l.data = append(l.data, int32(y*size+x))
					}
				}
			}
		}
	})
	return l
}

// bestMaskBits finishes a symbol of up to 120 modules: it scores every
// mask on bit-set lines, each mask's lines being the unmasked symbol's
// lines XOR the mask's cached pattern (data modules it flips and format
// bits that differ from mask 0's, which newGrid drew), and then applies
// the best mask (the first on ties).
func (g *grid) bestMaskBits(v int) *Code {
	n := g.size
	lm := lineMasksFor(g, v)
	rows, cols := make([]u128, 2*n), make([]u128, 2*n)
	baseRows, baseCols := rows[n:], cols[n:]
	rows, cols = rows[:n], cols[:n]
	bitLines(g.dark, n, baseRows, baseCols)
	best, bestScore := -1, 0
	for m := 0; m < 8; m++ {
		for i := 0; i < n; i++ {
			rows[i] = baseRows[i].xor(lm.rows[m][i])
			cols[i] = baseCols[i].xor(lm.cols[m][i])
		}
		if s := linesPenalty(rows, cols, n); best < 0 || s < bestScore {
			best, bestScore = m, s
		}
	}
	g.applyMask(v, best)
	g.drawFormat(best)
	return &Code{Version: v, Mask: best, Size: n, dark: g.dark}
}

// lineMasks caches, per version, each mask's pattern as row and column
// bit sets.
var lineMasks [41]maskLines

type maskLines struct {
	once       sync.Once
	rows, cols [8][]u128
}

// lineMasksFor returns the cached patterns of version v, whose function
// modules g marks.
func lineMasksFor(g *grid, v int) *maskLines {
	lm := &lineMasks[v]
	lm.once.Do(func() {
		n := g.size
		zero := &grid{size: n, dark: make([]bool, n*n), fn: make([]bool, n*n)}
		zero.drawFormat(0)
		f0 := append([]bool(nil), zero.dark...)
		for m := 0; m < 8; m++ {
			t := &grid{size: n, dark: make([]bool, n*n), fn: g.fn}
			t.applyMask(v, m)
			fm := &grid{size: n, dark: make([]bool, n*n), fn: make([]bool, n*n)}
			fm.drawFormat(m)
			for i := range t.dark {
				t.dark[i] = t.dark[i] != (f0[i] != fm.dark[i])
			}
			lm.rows[m], lm.cols[m] = make([]u128, n), make([]u128, n)
			bitLines(t.dark, n, lm.rows[m], lm.cols[m])
		}
	})
	return lm
}

// newGrid draws the function patterns of version v: finders, separators,
// timing, alignment, the reserved format areas and the version words.
func newGrid(v int) *grid {
	size := 4*v + 17
	g := &grid{size: size, dark: make([]bool, size*size), fn: make([]bool, size*size)}
	// Timing patterns.
	for i := 0; i < size; i++ {
		g.set(6, i, i%2 == 0)
		g.set(i, 6, i%2 == 0)
	}
	// Finder patterns with separators.
	for _, c := range [][2]int{{3, 3}, {size - 4, 3}, {3, size - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := c[0]+dx, c[1]+dy
				if x < 0 || y < 0 || x >= size || y >= size {
					continue
				}
				d := max(abs(dx), abs(dy))
				g.set(x, y, d != 2 && d != 4)
			}
		}
	}
	// Alignment patterns, except where they would overlap the finders.
	pos := alignmentPositions(v)
	for i, cy := range pos {
		for j, cx := range pos {
			if i == 0 && j == 0 || i == 0 && j == len(pos)-1 || i == len(pos)-1 && j == 0 {
				continue
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					g.set(cx+dx, cy+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	// Reserve the format areas (drawn per mask) and draw version info.
	g.formatModules(0, g.set)
	if v >= 7 {
		rem := v
		for i := 0; i < 12; i++ {
			rem = rem<<1 ^ (rem>>11)*0x1F25
		}
		bits := v<<12 | rem
		for i := 0; i < 18; i++ {
			bit := bits>>i&1 != 0
			a, b := size-11+i%3, i/3
			g.set(a, b, bit)
			g.set(b, a, bit)
		}
	}
	return g
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func maskBit(m, x, y int) bool {
	switch m {
	case 0:
		return (x+y)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (x+y)%3 == 0
	case 4:
		return (x/3+y/2)%2 == 0
	case 5:
		return x*y%2+x*y%3 == 0
	case 6:
		return (x*y%2+x*y%3)%2 == 0
	default:
		return ((x+y)%2+x*y%3)%2 == 0
	}
}

// flips caches, per version and mask, the data modules the mask inverts:
// they depend only on the version's function patterns.
var flips [41]struct {
	once sync.Once
	idx  [8][]int32
}

func (g *grid) applyMask(v, m int) {
	f := &flips[v]
	f.once.Do(func() {
		for mm := 0; mm < 8; mm++ {
			for y := 0; y < g.size; y++ {
				for x := 0; x < g.size; x++ {
					if !g.fn[y*g.size+x] && maskBit(mm, x, y) {
						f.idx[mm] = append(f.idx[mm], int32(y*g.size+x))
					}
				}
			}
		}
	})
	for _, i := range f.idx[m] {
		g.dark[i] = !g.dark[i]
	}
}

// formatBits is the 15-bit format word for level M and mask m.
func formatBits(m int) int {
	data := 0<<3 | m // level M is 00
	rem := data
	for i := 0; i < 10; i++ {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	return (data<<10 | rem) ^ 0x5412
}

// drawFormat writes both copies of the format word and the dark module.
// The modules are function modules already (newGrid reserves them), so
// only their colour is written: grids of one version share fn.
func (g *grid) drawFormat(m int) {
	g.formatModules(m, func(x, y int, dark bool) { g.dark[y*g.size+x] = dark })
}

// formatModules calls put for each module of both copies of the format
// word for mask m and for the dark module.
func (g *grid) formatModules(m int, put func(x, y int, dark bool)) {
	bits := formatBits(m)
	bit := func(i int) bool { return bits>>i&1 != 0 }
	for i := 0; i <= 5; i++ {
		put(8, i, bit(i))
	}
	put(8, 7, bit(6))
	put(8, 8, bit(7))
	put(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		put(14-i, 8, bit(i))
	}
	for i := 0; i < 8; i++ {
		put(g.size-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		put(8, g.size-15+i, bit(i))
	}
	put(8, g.size-8, true)
}
