package qr

import "math/bits"

// u128 is a line of up to 128 modules, bit i = module i.
type u128 struct{ lo, hi uint64 }

func (a u128) and(b u128) u128 { return u128{a.lo & b.lo, a.hi & b.hi} }
func (a u128) xor(b u128) u128 { return u128{a.lo ^ b.lo, a.hi ^ b.hi} }
func (a u128) not() u128       { return u128{^a.lo, ^a.hi} }
func (a u128) or(b u128) u128  { return u128{a.lo | b.lo, a.hi | b.hi} }
func (a u128) pop() int        { return bits.OnesCount64(a.lo) + bits.OnesCount64(a.hi) }

// shr moves bit i+k to bit i.
func (a u128) shr(k int) u128 {
	switch {
	case k == 0:
		return a
	case k < 64:
		return u128{a.lo>>k | a.hi<<(64-k), a.hi >> k}
	default:
		return u128{a.hi >> (k - 64), 0}
	}
}

// shl moves bit i to bit i+k.
func (a u128) shl(k int) u128 {
	switch {
	case k == 0:
		return a
	case k < 64:
		return u128{a.lo << k, a.hi<<k | a.lo>>(64-k)}
	default:
		return u128{0, a.lo << (k - 64)}
	}
}

func (a *u128) set(i int) {
	if i < 64 {
		a.lo |= 1 << i
	} else {
		a.hi |= 1 << (i - 64)
	}
}

// low returns the n lowest bits set.
func low(n int) u128 {
	switch {
	case n <= 0:
		return u128{}
	case n < 64:
		return u128{1<<n - 1, 0}
	case n < 128:
		return u128{^uint64(0), 1<<(n-64) - 1}
	default:
		return u128{^uint64(0), ^uint64(0)}
	}
}

// penalty scores the symbol by the four rules of ISO/IEC 18004 7.8.3 (see
// penaltyBytes), each row and column handled as a bit set.
func (g *grid) penalty(rows, cols []u128) int {
	bitLines(g.dark, g.size, rows, cols)
	return linesPenalty(rows, cols, g.size)
}

// bitLines sets rows[y] and cols[x] to the dark modules of each row and
// column of the n×n symbol dark.
func bitLines(dark []bool, n int, rows, cols []u128) {
	for i := range rows[:n] {
		rows[i], cols[i] = u128{}, u128{}
	}
	for y := 0; y < n; y++ {
		var r u128
		for x, c := range dark[y*n : (y+1)*n] {
			if c {
				r.set(x)
				cols[x].set(y)
			}
		}
		rows[y] = r
	}
}

// linesPenalty is penalty on the symbol's rows and columns.
func linesPenalty(rows, cols []u128, n int) int {
	inner := low(n - 1)
	score, dark := 0, 0
	for i := 0; i < n; i++ {
		score += lineScore(rows[i], n) + lineScore(cols[i], n)
		dark += rows[i].pop()
		if i+1 < n {
			r0, r1 := rows[i], rows[i+1]
			eqV := r0.xor(r1).not()
			eqH := r0.xor(r0.shr(1)).not()
			score += 3 * eqV.and(eqV.shr(1)).and(eqH).and(inner).pop()
		}
	}
	total := n * n
	k := (abs(dark*20-total*10) + total - 1) / total
	if k > 0 {
		score += (k - 1) * 10
	}
	return score
}

// lineScore scores one line of n modules for runs of five or more and for
// finder-like patterns.
func lineScore(l u128, n int) int {
	// e: modules i and i+1 are equal; r5: modules i..i+4 are equal. A run
	// of k ≥ 5 leaves k−4 bits in r5 and scores k−2; runs of the two
	// colours leave bits at least four apart, so they count apart.
	e := l.xor(l.shr(1)).not().and(low(n - 1))
	e2 := e.and(e.shr(1))
	r5 := e2.and(e2.shr(2))
	score := r5.pop() + 2*r5.and(r5.shl(1).not()).pop()
	// Finder-like 1:1:3:1:1 (dark, light, dark×3, light, dark) with four
	// light modules before or after it; outside the symbol is light, so
	// the line is padded with four light modules on each side.
	p := l.shl(4)
	d1, d2, d3 := p.shr(1), p.shr(2), p.shr(3)
	core := p.and(d1.not()).and(d2).and(d3).and(p.shr(4)).and(p.shr(5).not()).and(p.shr(6))
	light := p.or(d1).or(d2).or(d3).not()
	w := low(n - 2) // windows of 11 modules in the padded line
	a := core.shr(4).and(light).and(w)
	b := core.and(light.shr(7)).and(w)
	return score + 40*(a.pop()+b.pop())
}

// penaltyBytes scores the symbol by the four rules of ISO/IEC 18004 7.8.3:
// runs of five or more, 2×2 blocks, finder-like 1:1:3:1:1 patterns with
// four light modules beside them (outside the symbol counts as light),
// and the balance of dark and light. It works on any size, one module at
// a time; penalty is the fast path for symbols up to 128 modules.
func (g *grid) penaltyBytes(rows, cols []uint8) int {
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
