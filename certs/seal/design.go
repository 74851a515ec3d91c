package seal

import (
	"fmt"
	"math"
	"unicode/utf8"
)

// Design is what the round seal picture shows: the agency name along the
// upper arc, a five-pointed star in the centre, the seal name below it and
// an optional code along the lower arc.
type Design struct {
	Agency string // e.g. "某某市社会保险事业管理中心"
	Name   string // e.g. "业务专用章"
	Code   string // optional, e.g. the seal's registration number
	// SizeMM is the diameter in millimetres; zero means DefaultSizeMM.
	SizeMM int
}

// Design defaults and bounds.
const (
	DefaultSizeMM = 42
	MinSizeMM     = 20
	MaxSizeMM     = 100
	// maxDesignRunes bounds each text of a design.
	maxDesignRunes = 40
)

// sealRed is the ink colour, as SVG and as RGB.
const sealRed = "#E60012"

var sealRedRGB = [3]uint8{0xE6, 0x00, 0x12}

func (d Design) size() int {
	if d.SizeMM == 0 {
		return DefaultSizeMM
	}
	return d.SizeMM
}

func (d Design) check() error {
	s := d.size()
	switch {
	case s < MinSizeMM || s > MaxSizeMM:
		return fmt.Errorf("%w: seal size %d mm outside %d..%d", ErrInvalidRequest, s, MinSizeMM, MaxSizeMM)
	case d.Agency == "" || d.Name == "":
		return fmt.Errorf("%w: a seal needs the agency name and the seal name", ErrInvalidRequest)
	case !utf8.ValidString(d.Agency) || !utf8.ValidString(d.Name) || !utf8.ValidString(d.Code):
		return fmt.Errorf("%w: texts must be UTF-8", ErrInvalidRequest)
	case utf8.RuneCountInString(d.Agency) > maxDesignRunes || utf8.RuneCountInString(d.Name) > maxDesignRunes ||
		utf8.RuneCountInString(d.Code) > maxDesignRunes:
		return fmt.Errorf("%w: seal texts are limited to %d characters", ErrInvalidRequest, maxDesignRunes)
	}
	return nil
}

// geometry holds the layout in millimetres, shared by the SVG and PNG
// renderers so both draw the same ring and star.
type geometry struct {
	size, c         float64 // diameter, centre
	ringR, ringW    float64 // ring radius (stroke centre) and width
	starR, starIn   float64 // star outer and inner radius
	agencyFont      float64
	agencyBaseline  float64 // radius of the agency text baseline
	agencySpan      float64 // radians covered by the agency text
	nameFont, nameY float64
	codeFont        float64
	codeBaseline    float64
}

func layout(d Design) geometry {
	s := float64(d.size())
	g := geometry{size: s, c: s / 2, ringW: s * 0.03}
	g.ringR = g.c - g.ringW/2
	g.starR = s * 0.17
	g.starIn = g.starR * 0.382
	inner := g.ringR - g.ringW/2
	gap := s * 0.03
	n := float64(utf8.RuneCountInString(d.Agency))
	const maxSpan = 250 * math.Pi / 180
	g.agencyFont = s * 0.14
	for i := 0; i < 4; i++ { // shrink the font until the name fits the arc
		g.agencyBaseline = inner - gap - g.agencyFont*0.86
		g.agencySpan = n * g.agencyFont * 1.08 / g.agencyBaseline
		if g.agencySpan <= maxSpan {
			break
		}
		g.agencyFont *= maxSpan / g.agencySpan
	}
	if g.agencySpan > maxSpan {
		g.agencySpan = maxSpan
	}
	g.nameFont = s * 0.105
	if w := float64(utf8.RuneCountInString(d.Name)) * g.nameFont; w > s*0.62 {
		g.nameFont *= s * 0.62 / w
	}
	g.nameY = g.c + s*0.27
	g.codeFont = s * 0.055
	g.codeBaseline = inner - gap*0.6
	return g
}

// starPoints returns the ten vertices of the star, outer first, clockwise
// from the top.
func (g geometry) starPoints() [10][2]float64 {
	var p [10][2]float64
	for i := range p {
		r := g.starR
		if i%2 == 1 {
			r = g.starIn
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		p[i] = [2]float64{g.c + r*math.Cos(a), g.c + r*math.Sin(a)}
	}
	return p
}
