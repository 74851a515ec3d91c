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
	g := newGrid(v)
	size := g.size
	// Codewords in the two-column zigzag, bottom right first.
	i, total := 0, 8*len(codewords)
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
				if g.fn[y*size+x] || i >= total {
					continue
				}
				g.dark[y*size+x] = codewords[i>>3]>>(7-i&7)&1 != 0
				i++
			}
		}
	}
	// Try every mask, keep the lowest penalty (first on ties).
	base := g.dark
	best, bestScore := -1, 0
	var bestDark []bool
	trial := make([]bool, len(base))
	var score func() int
	if size+8 <= 128 {
		rows, cols := make([]u128, size), make([]u128, size)
		score = func() int { return g.penalty(rows, cols) }
	} else {
		rows, cols := make([]uint8, len(base)), make([]uint8, len(base))
		score = func() int { return g.penaltyBytes(rows, cols) }
	}
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
	g.drawFormat(0)
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
func (g *grid) drawFormat(m int) {
	bits := formatBits(m)
	bit := func(i int) bool { return bits>>i&1 != 0 }
	for i := 0; i <= 5; i++ {
		g.set(8, i, bit(i))
	}
	g.set(8, 7, bit(6))
	g.set(8, 8, bit(7))
	g.set(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		g.set(14-i, 8, bit(i))
	}
	for i := 0; i < 8; i++ {
		g.set(g.size-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		g.set(8, g.size-15+i, bit(i))
	}
	g.set(8, g.size-8, true)
}
