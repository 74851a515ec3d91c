package render

import (
	_ "embed"
	"errors"
	"fmt"
	"sync"

	"sihub/signer/render/ttf"
)

//go:embed fonts/wqy-microhei.ttf
var wqyMicroHei []byte

// ErrMissingGlyph is the kind of a *MissingGlyphError, for errors.Is.
var ErrMissingGlyph = errors.New("render: character not covered by the font")

// MissingGlyphError reports a character the font cannot draw.
type MissingGlyphError struct {
	Rune rune
	Text string // the string it occurs in
}

func (e *MissingGlyphError) Error() string {
	return fmt.Sprintf("render: the font has no glyph for %q (U+%04X) in %q", e.Rune, e.Rune, e.Text)
}

// Is makes errors.Is(err, ErrMissingGlyph) true.
func (e *MissingGlyphError) Is(target error) bool { return target == ErrMissingGlyph }

// Font is a parsed TrueType font ready for drawing: a dense glyph table for
// the Basic Multilingual Plane and advance widths in thousandths of an em.
// It is read-only and shared by all renderers.
type Font struct {
	tt    *ttf.Font
	bmp   []uint16 // glyph per BMP rune, 0 = none
	adv   []uint16 // advance per glyph, 1/1000 em
	name  string   // PostScript name
	scale float64  // 1000 / unitsPerEm
	tpl   templates
}

var (
	defaultOnce sync.Once
	defaultFont *Font
	defaultErr  error
)

// DefaultFont returns the embedded WenQuanYi Micro Hei face, parsed on the
// first call.
func DefaultFont() (*Font, error) {
	defaultOnce.Do(func() { defaultFont, defaultErr = NewFont(wqyMicroHei) })
	return defaultFont, defaultErr
}

// NewFont parses a TrueType font. data must not change afterwards.
func NewFont(data []byte) (*Font, error) {
	tt, err := ttf.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("render: font: %w", err)
	}
	if tt.NumGlyphs > 0xFFFF {
		return nil, fmt.Errorf("render: font has %d glyphs", tt.NumGlyphs)
	}
	f := &Font{tt: tt, bmp: make([]uint16, 0x10000), adv: make([]uint16, tt.NumGlyphs),
		name: tt.PostScriptName, scale: 1000 / float64(tt.UnitsPerEm)}
	tt.Runes(func(r rune, gid int) {
		if r < 0x10000 {
			f.bmp[r] = uint16(gid)
		}
	})
	for g := range f.adv {
		f.adv[g] = uint16(float64(tt.Advance(g))*f.scale + 0.5)
	}
	return f, nil
}

// glyph returns the glyph for r, 0 if the font has none.
func (f *Font) glyph(r rune) uint16 {
	if r >= 0 && r < 0x10000 {
		return f.bmp[r]
	}
	return uint16(f.tt.Lookup(r))
}

// Check returns a *MissingGlyphError for the first character of s the
// font cannot draw. Line breaks and tabs are layout, not glyphs.
func (f *Font) Check(s string) error {
	for _, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if f.glyph(r) == 0 {
			return &MissingGlyphError{Rune: r, Text: s}
		}
	}
	return nil
}

// Width returns the advance width of s drawn at size points.
func (f *Font) Width(s string, size float64) float64 {
	w := 0
	for _, r := range s {
		w += int(f.adv[f.glyph(r)])
	}
	return float64(w) * size / 1000
}

// runeWidth is the advance of r in 1/1000 em.
func (f *Font) runeWidth(r rune) int { return int(f.adv[f.glyph(r)]) }
