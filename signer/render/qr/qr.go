// Package qr encodes text as a QR code symbol (ISO/IEC 18004): byte mode,
// error correction level M, versions 1 to 40, the mask with the lowest
// penalty score. It exists for speed: on the certificate's payload
// (~200 bytes, version 11) github.com/skip2/go-qrcode took 2.7 ms, more
// than the renderer's whole budget, and this encoder 0.19 ms (same busy
// machine, one core; masks are applied from a per-version list of the
// modules they flip and scored with rows and columns as bit sets). The
// tests check that both produce the same symbol up to the choice of mask,
// that the fast penalty equals the module-by-module one, and that zbarimg
// decodes the result.
package qr

import (
	"errors"
	"fmt"
	"sync"
)

// QuietZone is the light border, in modules, that Bitmap adds on each side.
const QuietZone = 4

// ErrTooLong reports a payload beyond the capacity of version 40-M.
var ErrTooLong = errors.New("qr: payload too long")

// Code is an encoded symbol.
type Code struct {
	Version int
	Mask    int
	Size    int    // modules per side, without the quiet zone
	dark    []bool // Size*Size, row-major
}

// Dark reports whether the module at column x, row y is dark.
func (c *Code) Dark(x, y int) bool { return c.dark[y*c.Size+x] }

// Modules returns the symbol's modules without the quiet zone, row-major,
// true for dark: Modules()[y*Size+x] is Dark(x, y). It must not be
// modified.
func (c *Code) Modules() []bool { return c.dark }

// Bitmap returns the symbol with the quiet zone, indexed [row][column],
// true for dark modules.
func (c *Code) Bitmap() [][]bool {
	n := c.Size + 2*QuietZone
	bm := make([][]bool, n)
	for y := range bm {
		bm[y] = make([]bool, n)
		if y >= QuietZone && y < QuietZone+c.Size {
			copy(bm[y][QuietZone:], c.dark[(y-QuietZone)*c.Size:(y-QuietZone+1)*c.Size])
		}
	}
	return bm
}

// blocks is the level M error correction layout of one version: EC
// codewords per block, then count and data codewords of the two groups.
type blocks struct{ ec, n1, d1, n2, d2 int }

var levelM = [41]blocks{{},
	{10, 1, 16, 0, 0}, {16, 1, 28, 0, 0}, {26, 1, 44, 0, 0}, {18, 2, 32, 0, 0}, {24, 2, 43, 0, 0},
	{16, 4, 27, 0, 0}, {18, 4, 31, 0, 0}, {22, 2, 38, 2, 39}, {22, 3, 36, 2, 37}, {26, 4, 43, 1, 44},
	{30, 1, 50, 4, 51}, {22, 6, 36, 2, 37}, {22, 8, 37, 1, 38}, {24, 4, 40, 5, 41}, {24, 5, 41, 5, 42},
	{28, 7, 45, 3, 46}, {28, 10, 46, 1, 47}, {26, 9, 43, 4, 44}, {26, 3, 44, 11, 45}, {26, 3, 41, 13, 42},
	{26, 17, 42, 0, 0}, {28, 17, 46, 0, 0}, {28, 4, 47, 14, 48}, {28, 6, 45, 14, 46}, {28, 8, 47, 13, 48},
	{28, 19, 46, 4, 47}, {28, 22, 45, 3, 46}, {28, 3, 45, 23, 46}, {28, 21, 45, 7, 46}, {28, 19, 47, 10, 48},
	{28, 2, 46, 29, 47}, {28, 10, 46, 23, 47}, {28, 14, 46, 21, 47}, {28, 14, 46, 23, 47}, {28, 12, 47, 26, 48},
	{28, 6, 47, 34, 48}, {28, 29, 46, 14, 47}, {28, 13, 46, 32, 47}, {28, 40, 47, 7, 48}, {28, 18, 47, 31, 48},
}

func (b blocks) data() int { return b.n1*b.d1 + b.n2*b.d2 }

// rawModules is the number of modules of a version available for data
// and error correction codewords (remainder bits included).
func rawModules(v int) int {
	n := (16*v+128)*v + 64
	if v >= 2 {
		a := v/7 + 2
		n -= (25*a-10)*a - 55
		if v >= 7 {
			n -= 36
		}
	}
	return n
}

// Encode returns the QR code of text in byte mode at level M.
func Encode(text string) (*Code, error) {
	v := 0
	for ver := 1; ver <= 40; ver++ {
		cc := 8
		if ver >= 10 {
			cc = 16
		}
		if 4+cc+8*len(text) <= 8*levelM[ver].data() {
			v = ver
			break
		}
	}
	if v == 0 {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLong, len(text))
	}
	data := dataCodewords(text, v)
	all := addErrorCorrection(data, levelM[v])
	return build(v, all), nil
}

// dataCodewords writes mode, count, data, terminator and padding.
func dataCodewords(text string, v int) []byte {
	capacity := levelM[v].data()
	out := make([]byte, 0, capacity)
	var acc uint64
	var nbits int
	put := func(val uint64, n int) {
		acc = acc<<n | val
		nbits += n
		for nbits >= 8 {
			out = append(out, byte(acc>>(nbits-8)))
			nbits -= 8
		}
	}
	put(4, 4) // byte mode
	if v >= 10 {
		put(uint64(len(text)), 16)
	} else {
		put(uint64(len(text)), 8)
	}
	for i := 0; i < len(text); i++ {
		put(uint64(text[i]), 8)
	}
	term := min(4, 8*capacity-(8*len(out)+nbits))
	put(0, term)
	if nbits > 0 {
		put(0, 8-nbits)
	}
	for pad := byte(0xEC); len(out) < capacity; pad ^= 0xEC ^ 0x11 {
		out = append(out, pad)
	}
	return out
}

// GF(256) with the QR polynomial x^8+x^4+x^3+x^2+1.
var gfExp [512]byte
var gfLog [256]byte

func init() {
	x := 1
	for i := 0; i < 255; i++ {
		gfExp[i] = byte(x)
		gfLog[x] = byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11D
		}
	}
	for i := 255; i < 512; i++ {
		gfExp[i] = gfExp[i-255]
	}
}

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+int(gfLog[b])]
}

// generator returns the Reed-Solomon generator polynomial of the given
// degree, highest coefficient (1) omitted, highest power first.
func generator(degree int) []byte {
	g := make([]byte, degree)
	g[degree-1] = 1
	root := byte(1)
	for i := 0; i < degree; i++ {
		for j := 0; j < degree; j++ {
			g[j] = gfMul(g[j], root)
			if j+1 < degree {
				g[j] ^= g[j+1]
			}
		}
		root = gfMul(root, 2)
	}
	return g
}

// rsTables caches, per EC degree, the product of every byte with each
// coefficient of the generator polynomial.
var rsTables [31]struct {
	once sync.Once
	mul  [][]byte // mul[factor][j] = factor · generator[j]
}

func rsTable(degree int) [][]byte {
	t := &rsTables[degree]
	t.once.Do(func() {
		gen := generator(degree)
		t.mul = make([][]byte, 256)
		all := make([]byte, 256*degree)
		for f := range t.mul {
			row := all[f*degree : (f+1)*degree]
			for j, g := range gen {
				row[j] = gfMul(byte(f), g)
			}
			t.mul[f] = row
		}
	})
	return t.mul
}

// addErrorCorrection splits data into blocks, computes each block's EC
// codewords and interleaves the result.
func addErrorCorrection(data []byte, b blocks) []byte {
	mul := rsTable(b.ec)
	nb := b.n1 + b.n2
	dataBlocks := make([][]byte, nb)
	ecBlocks := make([][]byte, nb)
	ecBuf := make([]byte, nb*b.ec)
	off := 0
	for i := 0; i < nb; i++ {
		n := b.d1
		if i >= b.n1 {
			n = b.d2
		}
		blk := data[off : off+n]
		off += n
		dataBlocks[i] = blk
		rem := ecBuf[i*b.ec : (i+1)*b.ec]
		for _, c := range blk {
			factor := c ^ rem[0]
			copy(rem, rem[1:])
			rem[len(rem)-1] = 0
			if factor != 0 {
				row := mul[factor][:len(rem)]
				for j := range rem {
					rem[j] ^= row[j]
				}
			}
		}
		ecBlocks[i] = rem
	}
	out := make([]byte, 0, len(data)+len(ecBuf))
	for i := 0; i < max(b.d1, b.d2); i++ {
		for _, blk := range dataBlocks {
			if i < len(blk) {
				out = append(out, blk[i])
			}
		}
	}
	for i := 0; i < b.ec; i++ {
		for _, blk := range ecBlocks {
			out = append(out, blk[i])
		}
	}
	return out
}
