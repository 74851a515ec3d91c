package render

import (
	"regexp"
	"testing"
)

func TestSubsetTag(t *testing.T) {
	a, b := subsetTag([]int{0, 5, 9}), subsetTag([]int{0, 5, 10})
	if !regexp.MustCompile(`^[A-Z]{6}$`).MatchString(a) || a == b {
		t.Errorf("tags %q and %q: want six capitals differing with the glyph set", a, b)
	}
	if subsetTag([]int{0, 5, 9}) != a {
		t.Error("tag not a function of the glyph set")
	}
	// The tag names the embedded font in the file.
	p := render(t, sampleCertificate(2), 1)
	m := regexp.MustCompile(`/BaseFont /([A-Z]{6})\+WenQuanYiMicroHei /Encoding /Identity-H`).FindSubmatch(p.PDF)
	if m == nil {
		t.Fatal("Type0 font with a subset tag not found")
	}
	if n := len(regexp.MustCompile(`/FontName /`+string(m[1])+`\+WenQuanYiMicroHei `).FindAll(p.PDF, -1)); n != 1 {
		t.Errorf("font descriptor with the same tag found %d times", n)
	}
}
