package ttf

import (
	"bytes"
	"testing"
)

// TestBaseExtend checks that a subset built from a shared base and one
// document's extra glyphs is the same font as the subset of the combined
// list: same glyph ids, outlines, advances and character map, a valid
// whole-file checksum, and Fixed bytes that do not depend on the extra
// glyphs.
func TestBaseExtend(t *testing.T) {
	f, _ := testFont(t)
	ids := func(s string, skip map[int]bool) []int {
		var out []int
		for _, r := range s {
			if g := f.Lookup(r); !skip[g] {
				skip[g] = true
				out = append(out, g)
			}
		}
		return out
	}
	seen := map[int]bool{0: true}
	base := append([]int{0}, ids("社会保险个人参保证明（）：，0123456789", seen)...)
	var baseMaps []Mapping
	for _, r := range "社会保险个人参保证明（）：，0123456789" {
		for i, g := range base {
			if f.Lookup(r) == g {
				baseMaps = append(baseMaps, Mapping{Rune: r, Glyph: i})
			}
		}
	}
	b, err := f.NewBase(base, baseMaps)
	if err != nil {
		t.Fatal(err)
	}
	fixed := append([]byte(nil), b.Fixed()...)
	for _, extra := range []string{"张三ABC", "李四青岛海纳智能科技有限公司Ǻ", ""} {
		seen := map[int]bool{}
		for _, g := range b.old {
			seen[g] = true
		}
		more := ids(extra, seen)
		var maps []Mapping
		for _, r := range extra {
			for i, g := range more {
				if f.Lookup(r) == g {
					maps = append(maps, Mapping{Rune: r, Glyph: b.Glyphs() + i})
				}
			}
		}
		sp, err := b.Extend(more, maps)
		if err != nil {
			t.Fatal(err)
		}
		data := append(append(append([]byte(nil), sp.Head...), b.Fixed()...), sp.Tail...)
		if len(data) != sp.Len(b) {
			t.Errorf("Len = %d, program is %d bytes", sp.Len(b), len(data))
		}
		if checksum(data) != 0xB1B0AFBA {
			t.Errorf("%q: font checksum %#x, want 0xB1B0AFBA", extra, checksum(data))
		}
		sf, err := Parse(data)
		if err != nil {
			t.Fatalf("%q: parse: %v", extra, err)
		}
		if sf.NumGlyphs != len(sp.Old) {
			t.Fatalf("%q: %d glyphs, Old lists %d", extra, sf.NumGlyphs, len(sp.Old))
		}
		for i, g := range base {
			if sp.Old[i] != g {
				t.Fatalf("%q: glyph %d is %d, want base glyph %d", extra, i, sp.Old[i], g)
			}
		}
		for i, g := range more {
			if sp.Old[b.Glyphs()+i] != g {
				t.Fatalf("%q: extra glyph %d is %d, want %d", extra, i, sp.Old[b.Glyphs()+i], g)
			}
		}
		for ng, og := range sp.Old {
			a, _ := f.Glyph(og)
			c, _ := sf.Glyph(ng)
			if len(a) > 0 && (len(c) < len(a) || !composite(a) && !bytes.Equal(a, c[:len(a)])) {
				t.Errorf("%q: glyph %d (old %d): outline differs", extra, ng, og)
			}
			if sf.Advance(ng) != f.Advance(og) {
				t.Errorf("%q: glyph %d: advance %d, want %d", extra, ng, sf.Advance(ng), f.Advance(og))
			}
		}
		for _, r := range "社会保险个人参保证明（）：，0123456789" + extra {
			if got := sp.Old[sf.Lookup(r)]; got != f.Lookup(r) {
				t.Errorf("%q: cmap maps %q to old glyph %d, want %d", extra, r, got, f.Lookup(r))
			}
		}
		if !bytes.Equal(b.Fixed(), fixed) {
			t.Fatalf("%q: Extend changed the base's fixed bytes", extra)
		}
	}
	if _, err := b.Extend([]int{base[3]}, nil); err == nil {
		t.Error("Extend accepted a glyph of the base")
	}
	if _, err := b.Extend([]int{f.NumGlyphs}, nil); err == nil {
		t.Error("Extend accepted a glyph out of range")
	}
}

func composite(g []byte) bool { return len(g) >= 2 && int16(uint16(g[0])<<8|uint16(g[1])) < 0 }

// TestExtendInto checks that a subset written into reused memory (full
// of another file's bytes) is the subset Extend makes, in that memory.
func TestExtendInto(t *testing.T) {
	f, _ := testFont(t)
	base := []int{0}
	var maps []Mapping
	for i, r := range "社会保险0123456789" {
		base = append(base, f.Lookup(r))
		maps = append(maps, Mapping{Rune: r, Glyph: i + 1})
	}
	b, err := f.NewBase(base, maps)
	if err != nil {
		t.Fatal(err)
	}
	var more []int
	var extra []Mapping
	for _, r := range "李四青岛海纳智能科技有限公司" {
		more = append(more, f.Lookup(r))
		extra = append(extra, Mapping{Rune: r, Glyph: b.Glyphs() + len(more) - 1})
	}
	want, err := b.Extend(more, extra)
	if err != nil {
		t.Fatal(err)
	}
	buf := bytes.Repeat([]byte{0xFF}, 2*len(want.Tail))
	got, err := b.ExtendInto(buf, more, extra)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Head, want.Head) || !bytes.Equal(got.Tail, want.Tail) {
		t.Fatal("the subset written into reused memory differs")
	}
	if &got.Tail[0] != &buf[0] {
		t.Error("the tail is not in the memory given")
	}
	if small, err := b.ExtendInto(make([]byte, 0, 8), more, extra); err != nil || !bytes.Equal(small.Tail, want.Tail) {
		t.Errorf("with too little memory: %v", err)
	}
}
