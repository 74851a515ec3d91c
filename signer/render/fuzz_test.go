package render

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzWrap wraps arbitrary text into arbitrary boxes: no line may be wider
// than the box unless it is a single character, and only spaces and
// line breaks may be lost.
func FuzzWrap(f *testing.F) {
	font, err := DefaultFont()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("青岛海纳智能科技有限公司市南区分公司", 9.0, 60.0)
	f.Add("The quick brown fox，跳过了 lazy dog。", 10.0, 35.0)
	f.Add("a\nb\n\n  c  ", 8.0, 5.0)
	f.Fuzz(func(t *testing.T, s string, size, width float64) {
		if !utf8.ValidString(s) || len(s) > 4000 || !(size >= 4 && size <= 72) || !(width >= 1 && width <= 2000) {
			return
		}
		lines := font.wrap(s, size, width)
		var all strings.Builder
		for _, l := range lines {
			if font.Width(l, size) > width+1e-6 && utf8.RuneCountInString(l) > 1 {
				t.Fatalf("line %q is %.2f wide in a %.2f box", l, font.Width(l, size), width)
			}
			all.WriteString(l)
		}
		strip := func(x string) string { return strings.NewReplacer(" ", "", "\n", "").Replace(x) }
		if strip(all.String()) != strip(s) {
			t.Fatalf("wrap(%q) = %q loses text", s, lines)
		}
	})
}
