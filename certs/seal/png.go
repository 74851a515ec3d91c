package seal

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
)

// Raster bounds for RenderPNG.
const (
	DefaultPixelsPerMM = 10
	MaxPixelsPerMM     = 40
)

// RenderPNG rasterises the ring and the star of the design (red on a
// transparent background, anti-aliased by 4×4 supersampling) at pxPerMM
// pixels per millimetre (0 means DefaultPixelsPerMM). It draws no text:
// the standard library has no font rasteriser, so the PNG form carries the
// ring and star only; use RenderSVG for the full seal picture.
func RenderPNG(d Design, pxPerMM int) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	if pxPerMM == 0 {
		pxPerMM = DefaultPixelsPerMM
	}
	if pxPerMM < 1 || pxPerMM > MaxPixelsPerMM {
		return nil, fmt.Errorf("%w: %d pixels per mm outside 1..%d", ErrInvalidRequest, pxPerMM, MaxPixelsPerMM)
	}
	g := layout(d)
	n := d.size() * pxPerMM
	scale := float64(pxPerMM)
	star := g.starPoints()
	mask := image.NewAlpha(image.Rect(0, 0, n, n))
	const sub = 4
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			hits := 0
			for sy := 0; sy < sub; sy++ {
				for sx := 0; sx < sub; sx++ {
					px := (float64(x) + (float64(sx)+0.5)/sub) / scale
					py := (float64(y) + (float64(sy)+0.5)/sub) / scale
					if inRing(g, px, py) || inPolygon(star[:], px, py) {
						hits++
					}
				}
			}
			mask.SetAlpha(x, y, color.Alpha{A: uint8(hits * 255 / (sub * sub))})
		}
	}
	img := image.NewNRGBA(mask.Rect)
	ink := image.NewUniform(color.NRGBA{R: sealRedRGB[0], G: sealRedRGB[1], B: sealRedRGB[2], A: 0xFF})
	draw.DrawMask(img, img.Rect, ink, image.Point{}, mask, image.Point{}, draw.Over)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("seal: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

func inRing(g geometry, x, y float64) bool {
	d := math.Hypot(x-g.c, y-g.c)
	return math.Abs(d-g.ringR) <= g.ringW/2
}

// inPolygon is the even-odd rule.
func inPolygon(p [][2]float64, x, y float64) bool {
	in := false
	for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
		xi, yi, xj, yj := p[i][0], p[i][1], p[j][0], p[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}
