package render

import (
	"math"

	"sihub/signer/render/pdfw"
)

// SealImage is the visible round seal: the agency's name along the upper
// arc and the seal's name below the star.
type SealImage struct {
	Agency, Name string
}

// sealDiameter is the seal's size: 42 mm.
const sealDiameter = 42 / 25.4 * 72

// drawSeal draws the seal in the square [0,d]×[0,d] of a form XObject
// whose resources name the font /F1 and a multiply blend state /GS1 (red
// ink over black text, as on paper).
func (d *doc) drawSeal(s SealImage, dia float64) []byte {
	c := &pdfw.Content{B: make([]byte, 0, 2048)}
	r := dia / 2
	cx, cy := r, r
	c.Raw("/GS1 gs\n")
	c.FillRGB(colSeal[0], colSeal[1], colSeal[2])
	c.StrokeRGB(colSeal[0], colSeal[1], colSeal[2])

	lw := dia * 0.03
	c.Op("w", lw)
	c.Circle(cx, cy, r-lw/2-0.5)
	c.Raw("S\n")

	// Five-pointed star, one point up.
	outer := r * 0.27
	inner := outer * 0.382
	sy := cy + r*0.02
	for i := 0; i < 10; i++ {
		rad := outer
		if i%2 == 1 {
			rad = inner
		}
		a := math.Pi/2 + float64(i)*math.Pi/5
		op := "l"
		if i == 0 {
			op = "m"
		}
		c.Op(op, cx+rad*math.Cos(a), sy+rad*math.Sin(a))
	}
	c.Raw("h f\n")

	// Agency name along the upper arc, read clockwise.
	runes := []rune(s.Agency)
	if n := len(runes); n > 0 {
		fs := r * 0.2
		if n > 14 {
			fs = r * 0.2 * 14 / float64(n)
		}
		rb := r - lw - 1.5 - fs*0.85 // baseline radius
		step := fs * 1.12 / rb       // radians per character
		maxSpan := 250.0 * math.Pi / 180
		if step*float64(n-1) > maxSpan {
			step = maxSpan / float64(n-1)
		}
		span := step * float64(n-1)
		c.Raw("BT /F1 ")
		c.Op("Tf", fs)
		for i, ch := range runes {
			th := math.Pi/2 + span/2 - float64(i)*step
			sin, cos := math.Sin(th), math.Cos(th)
			w := float64(d.font.runeWidth(ch)) * fs / 1000
			// x axis along the clockwise tangent, y axis pointing outwards
			ox := cx + rb*cos - w/2*sin
			oy := cy + rb*sin + w/2*cos
			c.Op("Tm", sin, -cos, cos, sin, ox, oy)
			c.B = d.appendText(c.B, string(ch))
			c.Raw(" Tj\n")
		}
		c.Raw("ET\n")
	}
	if s.Name != "" {
		fs := r * 0.16
		w := d.font.Width(s.Name, fs)
		if w > r*1.2 {
			fs *= r * 1.2 / w
			w = r * 1.2
		}
		d.text(c, cx-w/2, cy-r*0.64, fs, s.Name)
	}
	return c.B
}
