package qr

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
	rows, cols := make([]uint8, len(base)), make([]uint8, len(base))
	for m := 0; m < 8; m++ {
		copy(trial, base)
		g.dark = trial
		g.applyMask(m)
		g.drawFormat(m)
		if s := g.penalty(rows, cols); best < 0 || s < bestScore {
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

func (g *grid) applyMask(m int) {
	for y := 0; y < g.size; y++ {
		for x := 0; x < g.size; x++ {
			if !g.fn[y*g.size+x] && maskBit(m, x, y) {
				g.dark[y*g.size+x] = !g.dark[y*g.size+x]
			}
		}
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

// penalty scores the symbol by the four rules of ISO/IEC 18004 7.8.3:
// runs of five or more, 2×2 blocks, finder-like 1:1:3:1:1 patterns with
// four light modules beside them (outside the symbol counts as light),
// and the balance of dark and light.
func (g *grid) penalty(rows, cols []uint8) int {
	n := g.size
	d := g.dark
	for y := 0; y < n; y++ {
		for x, c := range d[y*n : (y+1)*n] {
			v := uint8(0)
			if c {
				v = 1
			}
			rows[y*n+x] = v
			cols[x*n+y] = v
		}
	}
	score := 0
	for a := 0; a < n; a++ {
		score += linePenalty(rows[a*n : (a+1)*n])
		score += linePenalty(cols[a*n : (a+1)*n])
	}
	dark := 0
	for y := 0; y < n; y++ {
		row := rows[y*n : (y+1)*n]
		for _, c := range row {
			dark += int(c)
		}
		if y+1 == n {
			break
		}
		next := rows[(y+1)*n : (y+2)*n]
		for x := 0; x+1 < n; x++ {
			// all four equal: their sum is 0 or 4
			if s := row[x] + row[x+1] + next[x] + next[x+1]; s == 0 || s == 4 {
				score += 3
			}
		}
	}
	total := n * n
	k := (abs(dark*20-total*10) + total - 1) / total // ceil(|dark% − 50| / 5)
	if k > 0 {
		score += (k - 1) * 10
	}
	return score
}

// linePenalty scores one row or column (0 light, 1 dark) for runs and
// finder-like patterns.
func linePenalty(line []uint8) int {
	score := 0
	run := 1
	for i := 1; i < len(line); i++ {
		if line[i] == line[i-1] {
			run++
			continue
		}
		if run >= 5 {
			score += run - 2
		}
		run = 1
	}
	if run >= 5 {
		score += run - 2
	}
	// Slide an 11-module window over the line padded with four light
	// modules on each side.
	const (
		lightFirst = 0b00001011101
		lightLast  = 0b10111010000
	)
	h := uint(0)
	for _, c := range line {
		h = (h<<1 | uint(c)) & 0x7FF
		if h == lightFirst || h == lightLast {
			score += 40
		}
	}
	for i := 0; i < 4; i++ {
		h = h << 1 & 0x7FF
		if h == lightLast {
			score += 40
		}
	}
	return score
}
