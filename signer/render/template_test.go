package render

import (
	"bytes"
	"strings"
	"testing"
)

// TestTemplateShared checks that documents that differ only in their data
// (name, employer, code, verification URL) share one font template, that
// another kind of document gets its own, that the files are valid with
// their text complete, and that a document's bytes do not depend on what
// was rendered before it.
func TestTemplateShared(t *testing.T) {
	f, err := NewFont(wqyMicroHei) // a private font: a fresh template cache
	if err != nil {
		t.Fatal(err)
	}
	r := New(f)
	lb, _ := labelsFor("zh")
	people := []struct{ name, unit, code string }{
		{"张伟", "青岛海纳智能科技有限公司", "K7Q2M9XR4TZ8HW3C5N6P"},
		{"欧阳娜娜", "山东港口物流集团", "ABCD2345EFGH6789JKLM"},
	}
	var first *template
	files := map[int][]byte{}
	for i := 0; i < 4; i++ {
		p := people[i%2]
		c := sampleCertificate(24)
		c.Name, c.UnitName, c.Code = p.name, p.unit, p.code
		c.CodeGrouped = p.code[:4] + "-" + p.code[4:8]
		c.VerifyURL = "http://127.0.0.1:8080/v/" + p.code
		d, err := c.Document()
		if err != nil {
			t.Fatal(err)
		}
		tpl, err := f.template(d.templateText(lb))
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = tpl
		} else if tpl != first {
			t.Fatalf("document %d: a new template for the same kind", i)
		}
		pr, err := r.Document(d, sampleOptions(1))
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			out := run(t, "qpdf", "--check", writeTemp(t, "c.pdf", pr.PDF))
			if !strings.Contains(string(out), "No syntax or stream encoding errors") {
				t.Fatalf("document %d: qpdf: %s", i, out)
			}
			text := string(run(t, "pdftotext", writeTemp(t, "c.pdf", pr.PDF), "-"))
			for _, want := range []string{p.name, p.unit, c.CodeGrouped, "社会保险个人参保证明", "缴费基数"} {
				if !strings.Contains(text, want) {
					t.Errorf("document %d: pdftotext lacks %q", i, want)
				}
			}
		}
		files[i] = pr.PDF
	}
	for i := 2; i < 4; i++ {
		if !bytes.Equal(files[i], files[i-2]) {
			t.Errorf("document %d: the same input gave a different file the second time", i)
		}
	}
	// A fresh font (an empty template cache) gives the same bytes.
	f2, err := NewFont(wqyMicroHei)
	if err != nil {
		t.Fatal(err)
	}
	c := sampleCertificate(24)
	c.Name, c.UnitName, c.Code = people[1].name, people[1].unit, people[1].code
	c.CodeGrouped = c.Code[:4] + "-" + c.Code[4:8]
	c.VerifyURL = "http://127.0.0.1:8080/v/" + c.Code
	pr, err := New(f2).InsuranceCertificate(c, sampleOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pr.PDF, files[3]) {
		t.Error("a fresh template cache gave different bytes for the same document")
	}
	s, err := sampleStatement(3, "zh").Document()
	if err != nil {
		t.Fatal(err)
	}
	if tpl, _ := f.template(s.templateText(lb)); tpl == first {
		t.Error("the statement shares the certificate's template")
	}
}

// TestTemplateComponentDrawn draws, as data, a character whose glyph the
// template holds only as a component of one of its composite glyphs: the
// subset must take it once, with a ToUnicode entry, so the text reads
// back.
func TestTemplateComponentDrawn(t *testing.T) {
	f, err := NewFont(wqyMicroHei)
	if err != nil {
		t.Fatal(err)
	}
	runeOf := map[int]rune{}
	f.tt.Runes(func(r rune, g int) {
		if _, ok := runeOf[g]; !ok && r >= 0x20 {
			runeOf[g] = r
		}
	})
	// A character whose composite glyph has a component that is itself
	// the glyph of a character.
	c := sampleCertificate(3)
	d, err := c.Document()
	if err != nil {
		t.Fatal(err)
	}
	lb, _ := labelsFor("zh")
	plain, err := f.template(d.templateText(lb))
	if err != nil {
		t.Fatal(err)
	}
	var whole, part rune
	find := func(r rune, g int) {
		if whole != 0 || r < 0x20 || r == 0xAD { // not the soft hyphen: it prints nothing
			return
		}
		b, err := f.tt.NewBase([]int{0, g}, nil)
		if err != nil {
			return
		}
		for _, c := range b.Old()[2:] {
			if p, ok := runeOf[c]; ok && p != r && p >= 0x4E00 && plain.ids[uint16(c)] == 0 {
				whole, part = r, p
				return
			}
		}
	}
	f.tt.Runes(func(r rune, g int) {
		if r >= 0x4E00 {
			find(r, g)
		}
	})
	f.tt.Runes(find)
	if whole == 0 {
		t.Skip("the font has no composite glyph made of another character's glyph")
	}
	t.Logf("template character %q has the glyph of %q as a component", whole, part)
	d.Title = "参保证明" + string(whole)
	d.Blocks = append(d.Blocks, &Paragraph{Text: "数据" + string(part) + string(part)})
	p, err := New(f).Document(d, sampleOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	text := string(run(t, "pdftotext", writeTemp(t, "c.pdf", p.PDF), "-"))
	if !strings.Contains(text, "数据"+string(part)+string(part)) || !strings.Contains(text, string(whole)) {
		t.Errorf("pdftotext lacks %q or %q:\n%s", "数据"+string(part)+string(part), string(whole), text)
	}
}

// TestTemplateCacheBounded builds more templates than the cache keeps:
// it stays at maxTemplates and the newest is cached.
func TestTemplateCacheBounded(t *testing.T) {
	f, err := NewFont(wqyMicroHei)
	if err != nil {
		t.Fatal(err)
	}
	title := func(i int) string { return string(rune(0x4E00+i)) + "证明" }
	for i := 0; i < maxTemplates+10; i++ {
		if _, err := f.template([]string{title(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(f.tpl.m); n != maxTemplates {
		t.Fatalf("cache holds %d templates, want %d", n, maxTemplates)
	}
	last, _ := f.template([]string{title(maxTemplates + 9)})
	again, _ := f.template([]string{title(maxTemplates + 9)})
	if last != again {
		t.Error("the newest template was not kept")
	}
}
