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
