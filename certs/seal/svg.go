package seal

import (
	"bytes"
	"encoding/xml"
	"math"
	"strconv"
	"strings"
)

// RenderSVG draws the design as an SVG document sized in millimetres
// (width and height "<n>mm", one user unit = 1 mm): a red ring, a
// five-pointed star, each character of the agency name rotated along the
// upper arc, the seal name horizontally below the star and the code along
// the lower arc. Text is drawn with a serif CJK font family list; the
// viewer supplies the font.
func RenderSVG(d Design) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	g := layout(d)
	var b bytes.Buffer
	sz := num(g.size)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="` + sz + `mm" height="` + sz +
		`mm" viewBox="0 0 ` + sz + ` ` + sz + `">` + "\n")
	b.WriteString(`<g fill="` + sealRed + `" font-family="SimSun,'Songti SC',STSong,'Noto Serif CJK SC',serif" text-anchor="middle">` + "\n")
	b.WriteString(`<circle cx="` + num(g.c) + `" cy="` + num(g.c) + `" r="` + num(g.ringR) + `" fill="none" stroke="` +
		sealRed + `" stroke-width="` + num(g.ringW) + `"/>` + "\n")
	pts := g.starPoints()
	ps := make([]string, len(pts))
	for i, p := range pts {
		ps[i] = num(p[0]) + "," + num(p[1])
	}
	b.WriteString(`<polygon points="` + strings.Join(ps, " ") + `"/>` + "\n")

	agency := []rune(d.Agency)
	step := 0.0
	if len(agency) > 1 {
		step = g.agencySpan / float64(len(agency))
	}
	for i, r := range agency {
		a := (-float64(len(agency)-1)/2 + float64(i)) * step
		writeGlyph(&b, r, g.c, g.c-g.agencyBaseline, g.agencyFont, a, g.c)
	}
	b.WriteString(`<text x="` + num(g.c) + `" y="` + num(g.nameY) + `" font-size="` + num(g.nameFont) + `">`)
	_ = xml.EscapeText(&b, []byte(d.Name))
	b.WriteString("</text>\n")

	code := []rune(d.Code)
	if len(code) > 0 {
		cstep := g.codeFont * 0.75 / g.codeBaseline
		for i, r := range code {
			a := (float64(len(code)-1)/2 - float64(i)) * cstep
			writeGlyph(&b, r, g.c, g.c+g.codeBaseline, g.codeFont, a, g.c)
		}
	}
	b.WriteString("</g>\n</svg>\n")
	return b.Bytes(), nil
}

// writeGlyph writes one character at (x, y), rotated by a radians around
// (c, c).
func writeGlyph(b *bytes.Buffer, r rune, x, y, font, a, c float64) {
	b.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `" font-size="` + num(font) + `"`)
	if deg := a * 180 / math.Pi; math.Abs(deg) > 1e-9 {
		b.WriteString(` transform="rotate(` + num(deg) + ` ` + num(c) + ` ` + num(c) + `)"`)
	}
	b.WriteString(">")
	_ = xml.EscapeText(b, []byte(string(r)))
	b.WriteString("</text>\n")
}

// num formats a length with at most three decimals.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}
