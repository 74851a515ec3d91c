package qr

import "math/bits"

// u128 is a line of up to 128 modules, bit i = module i.
type u128 struct{ lo, hi uint64 }

func (a u128) and(b u128) u128 { return u128{a.lo & b.lo, a.hi & b.hi} }
func (a u128) xor(b u128) u128 { return u128{a.lo ^ b.lo, a.hi ^ b.hi} }
func (a u128) not() u128       { return u128{^a.lo, ^a.hi} }
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
	n := g.size
	for i := range rows[:n] {
		rows[i], cols[i] = u128{}, u128{}
	}
	for y := 0; y < n; y++ {
		for x, c := range g.dark[y*n : (y+1)*n] {
			if c {
				rows[y].set(x)
				cols[x].set(y)
			}
		}
	}
	full := low(n)
	score, dark := 0, 0
	for i := 0; i < n; i++ {
		score += lineScore(rows[i], full, n) + lineScore(cols[i], full, n)
		dark += rows[i].pop()
		if i+1 < n {
			r0, r1 := rows[i], rows[i+1]
			eqV := r0.xor(r1).not()
			eqH := r0.xor(r0.shr(1)).not()
			score += 3 * eqV.and(eqV.shr(1)).and(eqH).and(low(n-1)).pop()
		}
	}
	total := n * n
	k := (abs(dark*20-total*10) + total - 1) / total
	if k > 0 {
		score += (k - 1) * 10
	}
	return score
}

// finder-like patterns in reading order, with four light modules before
// or after
var (
	patLightFirst = [11]bool{false, false, false, false, true, false, true, true, true, false, true}
	patLightLast  = [11]bool{true, false, true, true, true, false, true, false, false, false, false}
)

// lineScore scores one line of n modules for runs of five or more and for
// finder-like patterns.
func lineScore(l, full u128, n int) int {
	score := 0
	for _, x := range [2]u128{l, l.not().and(full)} {
		r5 := x.and(x.shr(1)).and(x.shr(2)).and(x.shr(3)).and(x.shr(4))
		// a run of k ≥ 5 leaves k−4 bits in r5 and scores k−2
		score += r5.pop() + 2*r5.and(r5.shl(1).not()).pop()
	}
	p := l.shl(4) // four light modules of padding on each side
	a, b := low(n-2), low(n-2)
	for k := 0; k < 11; k++ {
		s := p.shr(k)
		if patLightFirst[k] {
			a = a.and(s)
		} else {
			a = a.and(s.not())
		}
		if patLightLast[k] {
			b = b.and(s)
		} else {
			b = b.and(s.not())
		}
	}
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
