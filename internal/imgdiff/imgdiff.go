// Package imgdiff compares two renderings of a page within a tolerance,
// for golden-image tests.
//
// Two images match when they have the same size and at most MaxFraction
// of their pixels (outside the masked rectangles) differ by more than
// Threshold in any of R, G, B (0–255). Diff draws the comparison: the
// reference faded to grey, differing pixels in red and masked areas in
// light blue, so a failing test can point at what moved.
//
// Decode reads PNG files of at most MaxBytes bytes and MaxPixels pixels;
// anything larger or malformed is an error, never a panic.
package imgdiff

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
)

// Caps on decoded images: a 50 dpi A4 page is about 240 thousand pixels, a
// 150 dpi one 2.2 million.
const (
	MaxBytes  = 8 << 20
	MaxPixels = 4 << 20
)

// ErrTooLarge is returned for an image over the caps.
var ErrTooLarge = errors.New("imgdiff: image too large")

// ErrSizeMismatch is returned when two images differ in size.
var ErrSizeMismatch = errors.New("imgdiff: images differ in size")

// Decode reads a PNG within the caps.
func Decode(b []byte) (image.Image, error) {
	if len(b) > MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(b), MaxBytes)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("imgdiff: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxPixels/cfg.Height {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrTooLarge, cfg.Width, cfg.Height)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("imgdiff: %w", err)
	}
	return img, nil
}

// Options set the tolerance. The zero value takes the defaults.
type Options struct {
	// Threshold is the largest difference of a channel (0–255) that still
	// counts as equal; 0 → 64.
	Threshold int
	// MaxFraction is the share of compared pixels that may differ;
	// 0 → 0.005 (0.5 %). A negative value allows none.
	MaxFraction float64
	// Masks are rectangles (in the images' coordinates) left out of the
	// comparison, e.g. a QR code that carries a fresh signature.
	Masks []image.Rectangle
}

// Result is the outcome of a comparison.
type Result struct {
	Compared  int     // pixels compared (outside the masks)
	Differing int     // pixels over the threshold
	Fraction  float64 // Differing / Compared
	Match     bool    // Fraction within MaxFraction
	Bounds    image.Rectangle
	// Box is the smallest rectangle holding every differing pixel.
	Box image.Rectangle
}

func (r Result) String() string {
	return fmt.Sprintf("%d of %d pixels differ (%.3f %%), within %v", r.Differing, r.Compared, 100*r.Fraction, r.Box)
}

func (o Options) threshold() int {
	if o.Threshold <= 0 {
		return 64
	}
	return o.Threshold
}

func (o Options) maxFraction() float64 {
	switch {
	case o.MaxFraction == 0:
		return 0.005
	case o.MaxFraction < 0:
		return 0
	}
	return o.MaxFraction
}

func (o Options) masked(p image.Point) bool {
	for _, m := range o.Masks {
		if p.In(m) {
			return true
		}
	}
	return false
}

// rgb returns a pixel's channels in 0–255.
func rgb(img image.Image, x, y int) (int, int, int) {
	r, g, b, _ := img.At(x, y).RGBA()
	return int(r >> 8), int(g >> 8), int(b >> 8)
}

func absDiff(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}

// differs reports whether the pixels at (x, y) differ beyond t.
func differs(want, got image.Image, x, y, t int) bool {
	wr, wg, wb := rgb(want, x, y)
	gr, gg, gb := rgb(got, x+got.Bounds().Min.X-want.Bounds().Min.X, y+got.Bounds().Min.Y-want.Bounds().Min.Y)
	return absDiff(wr, gr) > t || absDiff(wg, gg) > t || absDiff(wb, gb) > t
}

// Compare compares got against the reference want.
func Compare(want, got image.Image, o Options) (Result, error) {
	wb, gb := want.Bounds(), got.Bounds()
	if wb.Dx() != gb.Dx() || wb.Dy() != gb.Dy() {
		return Result{}, fmt.Errorf("%w: reference %d×%d, got %d×%d", ErrSizeMismatch, wb.Dx(), wb.Dy(), gb.Dx(), gb.Dy())
	}
	res := Result{Bounds: wb}
	t := o.threshold()
	for y := wb.Min.Y; y < wb.Max.Y; y++ {
		for x := wb.Min.X; x < wb.Max.X; x++ {
			p := image.Pt(x, y)
			if o.masked(p) {
				continue
			}
			res.Compared++
			if differs(want, got, x, y, t) {
				res.Differing++
				res.Box = res.Box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if res.Compared > 0 {
		res.Fraction = float64(res.Differing) / float64(res.Compared)
	}
	res.Match = res.Fraction <= o.maxFraction()
	return res, nil
}

// Diff draws the comparison of two images of the same size: the
// reference in light grey, differing pixels red, masked areas light blue.
func Diff(want, got image.Image, o Options) (*image.RGBA, error) {
	wb, gb := want.Bounds(), got.Bounds()
	if wb.Dx() != gb.Dx() || wb.Dy() != gb.Dy() {
		return nil, fmt.Errorf("%w: reference %d×%d, got %d×%d", ErrSizeMismatch, wb.Dx(), wb.Dy(), gb.Dx(), gb.Dy())
	}
	out := image.NewRGBA(image.Rect(0, 0, wb.Dx(), wb.Dy()))
	t := o.threshold()
	for y := wb.Min.Y; y < wb.Max.Y; y++ {
		for x := wb.Min.X; x < wb.Max.X; x++ {
			var c color.RGBA
			switch {
			case o.masked(image.Pt(x, y)):
				c = color.RGBA{200, 220, 255, 255}
			case differs(want, got, x, y, t):
				c = color.RGBA{230, 0, 0, 255}
			default:
				r, g, b := rgb(want, x, y)
				v := uint8(191 + (r+g+b)/12) // grey, faded towards white
				c = color.RGBA{v, v, v, 255}
			}
			out.SetRGBA(x-wb.Min.X, y-wb.Min.Y, c)
		}
	}
	return out, nil
}

// EncodePNG encodes img as PNG.
func EncodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("imgdiff: %w", err)
	}
	return b.Bytes(), nil
}
