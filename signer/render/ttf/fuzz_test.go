package ttf

import "testing"

// FuzzParse feeds arbitrary bytes to Parse and, when they parse, exercises
// every accessor and the subsetter: nothing may panic or read out of bounds.
func FuzzParse(f *testing.F) {
	font, _ := testFont(f)
	var glyphs []int
	var maps []Mapping
	glyphs = append(glyphs, 0)
	for _, r := range "参保证明AB" {
		maps = append(maps, Mapping{Rune: r, Glyph: len(glyphs)})
		glyphs = append(glyphs, font.Lookup(r))
	}
	s, err := font.Subset(glyphs, maps)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(s.Data)
	f.Add(s.Data[:len(s.Data)/2])
	f.Add([]byte("\x00\x01\x00\x00\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ft, err := Parse(data)
		if err != nil {
			return
		}
		for r := rune(0); r < 0x200; r++ {
			ft.Advance(ft.Lookup(r))
		}
		n := 0
		ft.Runes(func(r rune, gid int) { n++ })
		g := []int{0}
		for i := 1; i < ft.NumGlyphs && i < 50; i++ {
			if _, err := ft.Glyph(i); err != nil {
				t.Fatalf("glyph %d: %v", i, err)
			}
			g = append(g, i)
		}
		sub, err := ft.Subset(g, nil)
		if err != nil {
			return
		}
		if _, err := Parse(sub.Data); err != nil {
			t.Fatalf("subset of a parsed font does not parse: %v", err)
		}
	})
}
