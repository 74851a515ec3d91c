package render

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"sihub/signer/render/ttf"
)

// FuzzTemplateSubset builds a font template from one text and draws
// another as document data: the subset must build, parse, and map every
// character drawn to the glyph it was drawn with, in its cmap and in the
// ToUnicode map.
func FuzzTemplateSubset(f *testing.F) {
	font, err := DefaultFont()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("社会保险个人参保证明丄", "张伟丨一二三ABC")
	f.Add("é", "e\u0301e")
	f.Add("", "青岛海纳智能科技有限公司")
	f.Add("0123", "0123")
	f.Fuzz(func(t *testing.T, tplText, data string) {
		if !utf8.ValidString(tplText) || !utf8.ValidString(data) || len(tplText)+len(data) > 2000 {
			return
		}
		keep := func(s string) string {
			return strings.Map(func(r rune) rune {
				if font.Check(string(r)) != nil {
					return -1
				}
				return r
			}, s)
		}
		tplText, data = keep(tplText), keep(data)
		tpl, err := font.template([]string{tplText})
		if err != nil {
			t.Fatal(err)
		}
		d, err := newDoc(font, tpl)
		if err != nil {
			t.Fatal(err)
		}
		d.appendText(nil, tplText)
		d.appendText(nil, data)
		maps := make([]ttf.Mapping, 0, len(d.more)+len(d.comps))
		for _, c := range d.comps {
			maps = append(maps, ttf.Mapping{Rune: c.r, Glyph: int(c.id)})
		}
		for i, r := range d.runeOf {
			maps = append(maps, ttf.Mapping{Rune: r, Glyph: d.first + i})
		}
		sub, err := tpl.base.Extend(d.more, maps)
		if err != nil {
			t.Fatalf("template %q, data %q: %v", tplText, data, err)
		}
		prog := append(append(append([]byte(nil), sub.Head...), tpl.base.Fixed()...), sub.Tail...)
		sf, err := ttf.Parse(prog)
		if err != nil {
			t.Fatalf("template %q, data %q: subset does not parse: %v", tplText, data, err)
		}
		cmap := string(d.toUnicode())
		for _, r := range tplText + data {
			if r < 0x20 {
				continue
			}
			id := int(d.cid(r))
			if sub.Old[id] != int(font.glyph(r)) {
				t.Fatalf("%q drawn as id %d, which is glyph %d, not %d", r, id, sub.Old[id], font.glyph(r))
			}
			if g := sf.Lookup(r); sub.Old[g] != int(font.glyph(r)) {
				t.Fatalf("subset cmap maps %q to id %d (glyph %d), want glyph %d", r, g, sub.Old[g], font.glyph(r))
			}
			hex := strings.ToUpper(strconv.FormatInt(int64(id)+0x10000, 16)[1:])
			if !strings.Contains(cmap, "<"+hex+"> <") {
				t.Fatalf("ToUnicode has no entry for id %s (%q)", hex, r)
			}
		}
	})
}
