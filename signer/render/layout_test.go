package render

import (
	"bufio"
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	f, _ := DefaultFont()
	for _, tc := range []struct {
		s     string
		size  float64
		width float64
	}{
		{"青岛海纳智能科技有限公司青岛分公司第三事业部（市南区香港中路）", 9, 100},
		{"The quick brown fox jumps over the lazy dog again and again", 10, 80},
		{"混排 mixed text 中文与 English words，标点不在行首。", 9, 70},
		{"Supercalifragilisticexpialidocious", 10, 40},
	} {
		lines := f.wrap(tc.s, tc.size, tc.width)
		if len(lines) < 2 {
			t.Errorf("%q in %v pt: %d line", tc.s, tc.width, len(lines))
		}
		var joined strings.Builder
		for _, l := range lines {
			if w := f.Width(l, tc.size); w > tc.width+1e-9 {
				t.Errorf("%q: line %q is %.2f pt wide, box %.2f", tc.s, l, w, tc.width)
			}
			if l == "" {
				t.Errorf("%q: empty line in %q", tc.s, lines)
			}
			if r := []rune(l)[0]; noLineStart(r) {
				t.Errorf("%q: line starts with %q", tc.s, r)
			}
			joined.WriteString(l)
		}
		// Nothing is lost but the spaces at breaks.
		if strings.ReplaceAll(joined.String(), " ", "") != strings.ReplaceAll(tc.s, " ", "") {
			t.Errorf("%q wrapped to %q loses text", tc.s, lines)
		}
	}
	// Latin text breaks at spaces, not inside words.
	for _, l := range f.wrap("alpha beta gamma delta epsilon", 10, 60) {
		for _, w := range strings.Fields(l) {
			if !strings.Contains("alpha beta gamma delta epsilon", w) {
				t.Errorf("word split: %q", l)
			}
		}
	}
	if got := f.wrap("一\n二", 10, 500); len(got) != 2 || got[0] != "一" || got[1] != "二" {
		t.Errorf("forced break: %q", got)
	}
}

// words returns the words pdftotext -bbox finds on page 1, with their
// boxes in PDF points from the top-left corner.
type word struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

var wordRE = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)

func bboxWords(t *testing.T, pdf []byte, page int) []word {
	out := run(t, "pdftotext", "-bbox", "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), writeTemp(t, "b.pdf", pdf), "-")
	var ws []word
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := wordRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		v := make([]float64, 4)
		for i := range v {
			v[i], _ = strconv.ParseFloat(m[i+1], 64)
		}
		ws = append(ws, word{m[5], v[0], v[1], v[2], v[3]})
	}
	return ws
}

func TestLongUnitNameWrapsInCell(t *testing.T) {
	const long = "青岛海纳智能科技有限公司市南区香港中路第一分公司第三事业部软件研发中心"
	c := sampleCertificate(3)
	c.Statuses[0].UnitName = long
	p := render(t, c, 1)
	// The status table's last column spans from the left margin plus the
	// first three columns to the right margin.
	cellLeft := marginX + 120 + 70 + 80
	cellRight := PageWidth - marginX
	f, _ := DefaultFont()
	lines := f.wrap(long, 9, cellRight-cellLeft-2*2.5)
	if len(lines) < 2 {
		t.Fatalf("test name fits one line; make it longer")
	}
	var found []word
	for _, w := range bboxWords(t, p.PDF, 1) {
		for _, l := range lines {
			if w.text == l {
				found = append(found, w)
			}
		}
	}
	if len(found) != len(lines) {
		t.Fatalf("found %d of the %d wrapped lines %q on the page", len(found), len(lines), lines)
	}
	for i, w := range found {
		if w.xMin < cellLeft || w.xMax > cellRight {
			t.Errorf("line %q spans x %.1f–%.1f, outside the cell %.1f–%.1f", w.text, w.xMin, w.xMax, cellLeft, cellRight)
		}
		if i > 0 && w.yMin <= found[i-1].yMin {
			t.Errorf("line %q is not below the previous one", w.text)
		}
	}
}

func TestTableFlowsToSecondPage(t *testing.T) {
	c := sampleCertificate(60)
	p := render(t, c, 1)
	page1 := pdftext(t, p.PDF, 1, 1)
	page2 := pdftext(t, p.PDF, 2, 2)
	if strings.Contains(pdftext(t, p.PDF, 0, 0), "\f第 3 页") {
		t.Error("more than two pages")
	}
	for _, s := range []string{"年月", "缴费基数", "个人缴费", "缴费状态", "单位"} {
		if !strings.Contains(page1, s) || !strings.Contains(page2, s) {
			t.Errorf("header %q not on both pages", s)
		}
	}
	if !strings.Contains(page1, "第 1 页，共 2 页") || !strings.Contains(page2, "第 2 页，共 2 页") {
		t.Error("page footers wrong")
	}
	if !strings.Contains(page2, "（续）") || !strings.Contains(page2, c.Number) {
		t.Error("continuation page lacks its running head")
	}
	// Every month appears exactly once, in order, across the two pages.
	all := page1 + page2
	last := -1
	split := false
	for _, m := range c.Months {
		if strings.Count(all, m.Month) != 1 {
			t.Errorf("month %s appears %d times", m.Month, strings.Count(all, m.Month))
			continue
		}
		i := strings.Index(all, m.Month)
		if i < last {
			t.Errorf("month %s out of order", m.Month)
		}
		if i >= len(page1) {
			split = true
		}
		last = i
	}
	if !split || !strings.Contains(page1, c.Months[0].Month) {
		t.Error("the table does not start on page 1 and continue on page 2")
	}
	// The seal goes on the last page, where the agency signs.
	if !strings.Contains(page2, c.Agency) || !strings.Contains(page2, "本证明有效期至") {
		t.Error("agency block or notes not on the last page")
	}
}

func TestToUnicodeComplete(t *testing.T) {
	f, _ := DefaultFont()
	tpl, err := f.template([]string{"参保", "Z"})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := newDoc(f, tpl)
	text := "参保证明ABC𐐀123，。"
	var c []byte
	c = d.appendText(c, text)
	cm := string(d.toUnicode())
	for _, r := range text {
		id := d.cid(r)
		u := strings.ToUpper(strconv.FormatInt(int64(r), 16))
		if r >= 0x10000 {
			v := r - 0x10000
			u = strings.ToUpper(strconv.FormatInt(int64(0xD800+(v>>10)), 16) + strconv.FormatInt(int64(0xDC00+(v&0x3FF)), 16))
		}
		for len(u) < 4 {
			u = "0" + u
		}
		entry := "<" + strings.ToUpper(strconv.FormatInt(int64(id)+0x10000, 16)[1:]) + "> <" + u + ">"
		if !strings.Contains(cm, entry) {
			t.Errorf("ToUnicode lacks %s for %q", entry, r)
		}
	}
	// bfchar blocks hold at most 100 entries.
	for i := 0; i < 250; i++ {
		d.cid(rune(0x4E00 + i*3))
	}
	for _, m := range regexp.MustCompile(`(\d+) beginbfchar`).FindAllStringSubmatch(string(d.toUnicode()), -1) {
		if n, _ := strconv.Atoi(m[1]); n > 100 || n < 1 {
			t.Errorf("bfchar block of %d entries", n)
		}
	}
}
