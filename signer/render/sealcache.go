package render

import (
	"sync"

	"sihub/signer/render/pdfw"
)

// The seal's appearance stream is the same in every document drawn with
// the same template and seal: its words are template text, so their
// glyphs have the template's fixed ids. It is drawn and compressed once
// per template and seal and copied into each file; a seal whose glyphs
// are not all the template's own is drawn and compressed per document.

// sealLevel is the flate level of a seal appearance compressed once; per
// document it is compressed at level 1.
const (
	sealLevel    = 9
	sealDocLevel = 1
)

// maxSeals bounds the appearances a template keeps: an agency uses a few
// seals per kind of document.
const maxSeals = 8

// sealCache holds a template's seal appearances.
type sealCache struct {
	mu sync.Mutex
	m  map[SealImage]*pdfw.Deflated
}

// sealAppearance returns the compressed appearance stream of the seal s
// with diameter sealDiameter: the template's shared copy when every glyph
// it draws is a template glyph, otherwise one drawn with d's own glyphs
// (before the font is built, so they join the subset).
func (d *doc) sealAppearance(s SealImage) (*pdfw.Deflated, error) {
	t := d.tpl
	t.seals.mu.Lock()
	z := t.seals.m[s]
	t.seals.mu.Unlock()
	if z != nil {
		return z, nil
	}
	if !d.tplDraws(s.Agency) || !d.tplDraws(s.Name) {
		return pdfw.Deflate(d.drawSeal(s, sealDiameter), sealDocLevel)
	}
	scratch, err := newDoc(d.font, t)
	if err != nil {
		return nil, err
	}
	if z, err = pdfw.Deflate(scratch.drawSeal(s, sealDiameter), sealLevel); err != nil {
		return nil, err
	}
	if len(scratch.more) > 0 || len(scratch.comps) > 0 {
		// Unreachable while tplDraws holds; never share a stream that
		// names glyphs of one document.
		return pdfw.Deflate(d.drawSeal(s, sealDiameter), sealDocLevel)
	}
	t.seals.mu.Lock()
	if t.seals.m == nil {
		t.seals.m = make(map[SealImage]*pdfw.Deflated)
	}
	for k := range t.seals.m {
		if len(t.seals.m) < maxSeals {
			break
		}
		delete(t.seals.m, k)
	}
	t.seals.m[s] = z
	t.seals.mu.Unlock()
	return z, nil
}

// tplDraws reports whether every character of s that is drawn has a
// glyph among the template's own.
func (d *doc) tplDraws(s string) bool {
	for _, r := range s {
		if r < 0x20 {
			continue
		}
		if _, ok := d.tpl.ids[d.font.glyph(r)]; !ok {
			return false
		}
	}
	return true
}
