package ttf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"sync"
	"testing"
)

var (
	fontOnce sync.Once
	fontData []byte
	fontErr  error
)

// testFont returns the repository's embedded font file.
func testFont(t testing.TB) (*Font, []byte) {
	t.Helper()
	fontOnce.Do(func() { fontData, fontErr = os.ReadFile("../fonts/wqy-microhei.ttf") })
	if fontErr != nil {
		t.Fatal(fontErr)
	}
	f, err := Parse(fontData)
	if err != nil {
		t.Fatal(err)
	}
	return f, fontData
}

func TestParseMetrics(t *testing.T) {
	f, _ := testFont(t)
	// Values as stated by the font's own tables (read independently of
	// this parser with fontTools when the font was extracted).
	if f.UnitsPerEm != 2048 || f.NumGlyphs != 49531 || f.Ascent != 1918 || f.Descent != -483 || f.CapHeight != 1462 {
		t.Errorf("metrics: upem %d glyphs %d ascent %d descent %d cap %d", f.UnitsPerEm, f.NumGlyphs, f.Ascent, f.Descent, f.CapHeight)
	}
	if f.PostScriptName == "" || f.PostScriptName == "Font" {
		t.Errorf("PostScript name %q", f.PostScriptName)
	}
}

func TestLookup(t *testing.T) {
	f, _ := testFont(t)
	for _, r := range "参保证明社会保险ABCxyz019，。：" {
		if f.Lookup(r) == 0 {
			t.Errorf("%q (U+%04X) not mapped", r, r)
		}
	}
	for _, r := range []rune{'䶮', '𪚥', 0x10FFFF, -1} {
		if g := f.Lookup(r); g != 0 {
			t.Errorf("U+%04X mapped to %d, the font has no such glyph", r, g)
		}
	}
	if f.Lookup('A') == f.Lookup('B') {
		t.Error("A and B share a glyph")
	}
	// Every mapping Runes reports must agree with Lookup.
	n := 0
	f.Runes(func(r rune, gid int) {
		if n%97 == 0 && f.Lookup(r) != gid {
			t.Fatalf("Runes says U+%04X → %d, Lookup says %d", r, gid, f.Lookup(r))
		}
		n++
	})
	if n < 30000 {
		t.Errorf("only %d runes mapped", n)
	}
}

func TestSubsetRoundTrip(t *testing.T) {
	f, _ := testFont(t)
	text := []rune("社会保险个人参保证明张三ABC123（）：，")
	glyphs := []int{0}
	seen := map[int]bool{0: true}
	var maps []Mapping
	for _, r := range text {
		g := f.Lookup(r)
		if !seen[g] {
			seen[g] = true
			glyphs = append(glyphs, g)
		}
		for i, x := range glyphs {
			if x == g {
				maps = append(maps, Mapping{Rune: r, Glyph: i})
			}
		}
	}
	s, err := f.Subset(glyphs, maps)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Old) < len(glyphs) {
		t.Fatalf("subset has %d glyphs, want at least %d", len(s.Old), len(glyphs))
	}
	for i, g := range glyphs {
		if s.Old[i] != g {
			t.Fatalf("new glyph %d is old %d, want %d", i, s.Old[i], g)
		}
	}
	sf, err := Parse(s.Data)
	if err != nil {
		t.Fatalf("re-parse subset: %v", err)
	}
	if sf.NumGlyphs != len(s.Old) || sf.UnitsPerEm != f.UnitsPerEm || sf.Ascent != f.Ascent {
		t.Errorf("subset header: glyphs %d (want %d) upem %d ascent %d", sf.NumGlyphs, len(s.Old), sf.UnitsPerEm, sf.Ascent)
	}
	composites := 0
	for ng, og := range s.Old {
		a, _ := f.Glyph(og)
		b, err := sf.Glyph(ng)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < len(a) || len(b)-len(a) > 3 || len(bytes.Trim(b[len(a):], "\x00")) != 0 {
			t.Fatalf("glyph %d: %d bytes, original %d plus padding", ng, len(b), len(a))
		}
		b = b[:len(a)] // drop the 4-byte alignment padding
		if sf.Advance(ng) != f.Advance(og) {
			t.Errorf("glyph %d: advance %d, original %d", ng, sf.Advance(ng), f.Advance(og))
		}
		if len(a) >= 2 && int16(binary.BigEndian.Uint16(a)) < 0 {
			// Map component ids back to the original's and compare.
			composites++
			b = append([]byte(nil), b...)
			if err := components(b, func(off int) error {
				c := int(binary.BigEndian.Uint16(b[off:]))
				binary.BigEndian.PutUint16(b[off:], uint16(s.Old[c]))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(a, b) {
			t.Errorf("glyph %d (old %d): outline differs", ng, og)
		}
	}
	if composites == 0 {
		t.Error("sample text has no composite glyph; the component path is untested")
	}
	for _, r := range text {
		if og := f.Lookup(r); s.Old[sf.Lookup(r)] != og {
			t.Errorf("subset cmap: %q → new %d (old %d), want old %d", r, sf.Lookup(r), s.Old[sf.Lookup(r)], og)
		}
	}
	if len(s.Data) > 64<<10 {
		t.Errorf("subset of %d glyphs is %d bytes", len(s.Old), len(s.Data))
	}
	if checksum(s.Data) != 0xB1B0AFBA {
		t.Errorf("font checksum %#x, want 0xB1B0AFBA", checksum(s.Data))
	}
}

func TestSubsetErrors(t *testing.T) {
	f, _ := testFont(t)
	for name, glyphs := range map[string][]int{
		"empty": nil, "no notdef": {5}, "duplicate": {0, 7, 7}, "range": {0, f.NumGlyphs},
	} {
		if _, err := f.Subset(glyphs, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseRejects(t *testing.T) {
	_, data := testFont(t)
	cases := map[string][]byte{
		"empty":     nil,
		"truncated": data[:1000],
		"otto":      append([]byte("OTTO"), data[4:200]...),
		"ttc":       append([]byte("ttcf"), data[4:200]...),
	}
	for name, in := range cases {
		_, err := Parse(in)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: error %v is neither ErrInvalid nor ErrUnsupported", name, err)
		}
	}
}
