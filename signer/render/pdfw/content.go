package pdfw

import (
	"math"
	"strconv"
)

// Content builds a content stream. Numbers are written with at most three
// decimals; operators are appended as given.
type Content struct {
	B []byte
}

// Num appends v and a space.
func (c *Content) Num(v float64) {
	c.B = AppendNum(c.B, v)
	c.B = append(c.B, ' ')
}

// Op appends the operands followed by the operator and a newline.
func (c *Content) Op(op string, args ...float64) {
	for _, v := range args {
		c.B = AppendNum(c.B, v)
		c.B = append(c.B, ' ')
	}
	c.B = append(c.B, op...)
	c.B = append(c.B, '\n')
}

// Raw appends s verbatim.
func (c *Content) Raw(s string) { c.B = append(c.B, s...) }

// Rect appends a rectangle path.
func (c *Content) Rect(x, y, w, h float64) { c.Op("re", x, y, w, h) }

// Line appends a stroked line from (x1,y1) to (x2,y2).
func (c *Content) Line(x1, y1, x2, y2 float64) {
	c.Op("m", x1, y1)
	c.Op("l", x2, y2)
	c.Raw("S\n")
}

// FillRGB sets the non-stroking colour.
func (c *Content) FillRGB(r, g, b float64) { c.Op("rg", r, g, b) }

// StrokeRGB sets the stroking colour.
func (c *Content) StrokeRGB(r, g, b float64) { c.Op("RG", r, g, b) }

// Circle appends a closed circle path of radius r around (x, y), made of
// four Bézier arcs.
func (c *Content) Circle(x, y, r float64) {
	k := r * 0.5522847498
	c.Op("m", x+r, y)
	c.Op("c", x+r, y+k, x+k, y+r, x, y+r)
	c.Op("c", x-k, y+r, x-r, y+k, x-r, y)
	c.Op("c", x-r, y-k, x-k, y-r, x, y-r)
	c.Op("c", x+k, y-r, x+r, y-k, x+r, y)
	c.Raw("h\n")
}

// AppendNum appends v with at most three decimals and no trailing zeros.
func AppendNum(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, '0')
	}
	n := int64(math.Round(v * 1000))
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	ip := n / 1000
	switch {
	case ip < 10:
		b = append(b, byte('0'+ip))
	case ip < 100:
		b = append(b, byte('0'+ip/10), byte('0'+ip%10))
	case ip < 1000:
		b = append(b, byte('0'+ip/100), byte('0'+ip/10%10), byte('0'+ip%10))
	default:
		b = strconv.AppendInt(b, ip, 10)
	}
	if frac := n % 1000; frac != 0 {
		d := [4]byte{'.', byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
		end := 4
		for d[end-1] == '0' {
			end--
		}
		b = append(b, d[:end]...)
	}
	return b
}
