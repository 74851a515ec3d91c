package render

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Long names and addresses: real unit names reach 40 characters and
// addresses 100; the layout wraps them inside their cells and never lets
// text leave the page's printable area.
const (
	longUnit    = "青岛海纳智能科技集团有限公司市南区香港中路第一分公司第三事业部软件研发中心测试组" // 40 characters
	longAddress = "山东省青岛市市南区香港中路街道香港中路七十六号颐和国际大厦A座二十一层二一零八室至二一一二室（近五四广场地铁站C出口，东海西路与香港中路交叉口东北角，步行约三百米即到，请从大厦北门进入后乘坐高区电梯前往）"
)

// printable is the area text may occupy, in the points from the top-left
// corner that pdftotext -bbox reports: between the side margins, from
// the top margin down to the page footer's baseline band.
func inPrintable(w word) bool {
	const slack = 1 // glyph boxes round to a tenth of a point or so
	return w.xMin >= marginX-slack && w.xMax <= PageWidth-marginX+slack &&
		w.yMin >= marginTop-slack && w.yMax <= PageHeight-footerY+4
}

// longDocument is a document whose every kind of block holds long text.
func longDocument(lang string) *Document {
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, cst)
	d := &Document{
		Title: "社会保险单位参保证明", Agency: "示范市社会保险事业管理中心", Region: "示范市" + strings.Repeat("某区", 12),
		Number: "DWCB-2026-00000001", Code: "ABCDEFGHJK", CodeGrouped: "ABCD-EFGH-JK",
		VerifyURL: "http://127.0.0.1:8080/v/ABCDEFGHJK", QRText: "http://127.0.0.1:8080/v/ABCDEFGHJK",
		PrintedAt: at, ValidUntil: at.AddDate(0, 3, 0), Lang: lang,
		Blocks: []Block{
			&Fields{Heading: "一、单位信息 " + strings.Repeat("Employer information and the registered address ", 3), Pairs: [][2]string{
				{"单位名称", longUnit}, {"统一社会信用代码", "91370202MA3C8XYZ1K"},
				{"单位地址", longAddress}, {"参保地区", "青岛（370202）"},
				{"一个长得出奇的字段名称用来测试标签列的换行", "值"},
				{"Registered office (English label long enough to wrap)", longAddress},
			}},
			&Table{Heading: "二、分险种参保人数", Columns: []Column{
				{Title: "险种", Width: 3}, {Title: "参保单位", Width: 4}, {Title: "地址", Width: 5}, {Title: "人数", Width: 1, Align: Right},
			}, Rows: [][]string{
				{"企业职工基本养老保险", longUnit, longAddress, "12"},
				{"失业保险", longUnit, "https://example.invalid/a-very-long-unbroken-identifier-without-any-spaces-0123456789", "12"},
			}},
			&Paragraph{Heading: "三、说明", Text: longUnit + "于" + longAddress + "办理参保登记。" + strings.Repeat("This sentence is English text that wraps at spaces. ", 6)},
		},
		Notes: []string{"本证明所列单位名称：" + longUnit + "；地址：" + longAddress + "。"},
		Seal:  SealImage{Agency: "示范市社会保险事业管理中心", Name: "业务专用章"},
	}
	return d
}

func pageCount(t *testing.T, pdf []byte) int {
	t.Helper()
	return strings.Count(strings.TrimRight(pdftext(t, pdf, 0, 0), "\f"), "\f") + 1
}

// TestLongTextStaysInsideThePage renders long names and addresses in
// fields, table cells, paragraphs, headings and notes, in each language,
// and checks every word pdftotext finds lies in the printable area and
// the long values read back whole.
func TestLongTextStaysInsideThePage(t *testing.T) {
	for _, lang := range []string{"zh", "en", "zh,en"} {
		t.Run(lang, func(t *testing.T) {
			p, err := renderer(t).Document(longDocument(lang), sampleOptions(1))
			if err != nil {
				t.Fatal(err)
			}
			n := pageCount(t, p.PDF)
			var all strings.Builder
			for pg := 1; pg <= n; pg++ {
				for _, w := range bboxWords(t, p.PDF, pg) {
					if !inPrintable(w) {
						t.Errorf("page %d: %q at x %.1f–%.1f, y %.1f–%.1f leaves the printable area x %.1f–%.1f, y %.1f–%.1f",
							pg, w.text, w.xMin, w.xMax, w.yMin, w.yMax, marginX, PageWidth-marginX, float64(marginTop), PageHeight-footerY)
					}
					all.WriteString(w.text)
				}
			}
			text := all.String()
			for _, s := range []string{longUnit, longAddress, "0123456789"} {
				if !strings.Contains(text, s) {
					t.Errorf("text does not read back %q whole", s)
				}
			}
		})
	}
}

// TestLongValueWrapsInsideItsCell checks the wrapped lines of a long unit
// name in a table column stay between that column's rules.
func TestLongValueWrapsInsideItsCell(t *testing.T) {
	d := longDocument("zh")
	d.Blocks = d.Blocks[1:2] // the table only
	p, err := renderer(t).Document(d, sampleOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	width := PageWidth - 2*marginX
	left := marginX + width*3/13
	right := left + width*4/13
	f, _ := DefaultFont()
	lines := f.wrap(longUnit, 9, right-left-2*2.5)
	if len(lines) < 3 {
		t.Fatalf("%q fits %d lines of its column; the test needs a narrower one", longUnit, len(lines))
	}
	found := 0
	for _, w := range bboxWords(t, p.PDF, 1) {
		for _, l := range lines {
			if w.text != l {
				continue
			}
			found++
			if w.xMin < left || w.xMax > right {
				t.Errorf("line %q spans x %.1f–%.1f, outside its column %.1f–%.1f", l, w.xMin, w.xMax, left, right)
			}
		}
	}
	if found != 2*len(lines) { // the name is in both rows
		t.Errorf("found %d of the %d wrapped lines %q", found, 2*len(lines), lines)
	}
}

// TestLongTableFlowsWithHeaders renders a benefit table of 150 rows: it
// runs over several pages, each continuation page starts with the running
// head and the repeated column header, every row appears once and whole
// on one page, and every page says "第 N 页，共 M 页".
func TestLongTableFlowsWithHeaders(t *testing.T) {
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, cst)
	tb := &Table{Heading: "二、待遇发放明细", Columns: []Column{
		{Title: "待遇年月", Width: 1, Align: Center}, {Title: "待遇项目", Width: 2}, {Title: "金额", Width: 1, Align: Right}, {Title: "发放单位", Width: 3},
	}}
	for i := 0; i < 150; i++ {
		unit := "示范市社会保险事业管理中心"
		if i%10 == 0 {
			unit = longUnit // a row of several lines now and then
		}
		tb.Rows = append(tb.Rows, []string{fmt.Sprintf("R%03d", i), "基础养老金", strconv.Itoa(2000+i) + ".00", unit})
	}
	d := &Document{
		Title: "社会保险待遇享受明细", Agency: "示范市社会保险事业管理中心",
		Number: "DYMX-2026-00000001", Code: "ABCDEFGHJK", CodeGrouped: "ABCD-EFGH-JK",
		QRText: "http://127.0.0.1:8080/v/ABCDEFGHJK", PrintedAt: at,
		Blocks: []Block{&Fields{Pairs: [][2]string{{"姓名", "王桂兰"}, {"社会保障号码", "11010519491231002X"}}}, tb},
		Seal:   SealImage{Agency: "示范市社会保险事业管理中心", Name: "业务专用章"},
	}
	p, err := renderer(t).Document(d, sampleOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	n := pageCount(t, p.PDF)
	if n < 3 {
		t.Fatalf("150 rows on %d pages", n)
	}
	seen := map[string]int{}
	for pg := 1; pg <= n; pg++ {
		ws := bboxWords(t, p.PDF, pg)
		txt := pdftext(t, p.PDF, pg, pg)
		if want := fmt.Sprintf("第 %d 页，共 %d 页", pg, n); !strings.Contains(txt, want) {
			t.Errorf("page %d lacks %q", pg, want)
		}
		// The header's words, top to bottom: the column titles must come
		// before the first row on the page.
		firstRow, header := -1.0, -1.0
		for _, w := range ws {
			if w.text == "待遇项目" && header < 0 {
				header = w.yMin
			}
			if strings.HasPrefix(w.text, "R") && len(w.text) == 4 {
				if firstRow < 0 {
					firstRow = w.yMin
				}
				seen[w.text]++
			}
			if !inPrintable(w) {
				t.Errorf("page %d: %q at y %.1f–%.1f outside the printable area", pg, w.text, w.yMin, w.yMax)
			}
		}
		if firstRow >= 0 && (header < 0 || header > firstRow) {
			t.Errorf("page %d: rows without the column header above them (header at %.1f, first row at %.1f)", pg, header, firstRow)
		}
		if pg > 1 && !strings.Contains(txt, d.Title+"（续）") {
			t.Errorf("page %d lacks the running head", pg)
		}
		// A row split across pages would leave the first and the last
		// line of its long unit name on different pages.
		flat := spaces.ReplaceAllString(txt, "")
		if a, b := strings.Count(flat, "青岛海纳"), strings.Count(flat, "测试组"); a != b {
			t.Errorf("page %d holds %d first lines and %d last lines of the long unit name", pg, a, b)
		}
	}
	for i := 0; i < 150; i++ {
		if id := fmt.Sprintf("R%03d", i); seen[id] != 1 {
			t.Errorf("row %s appears %d times", id, seen[id])
		}
	}
}

// TestTallRowSplitsAcrossPages renders a table row taller than a page (a
// long remark in a narrow column): it continues on the next pages under
// the repeated header instead of running off the page, and its text reads
// back whole and in order.
func TestTallRowSplitsAcrossPages(t *testing.T) {
	remark := strings.Repeat("很长的说明文字", 95) // within the 2,000-byte cap
	d := longDocument("zh")
	d.Blocks = []Block{&Table{Heading: "材料说明", Columns: []Column{{Title: "备考", Width: 1}, {Title: "材料名称", Width: 6}},
		Rows: [][]string{{"短", "居民身份证复印件"}, {remark, "情况说明"}, {"末", "最后一行"}}}}
	p, err := renderer(t).Document(d, sampleOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	n := pageCount(t, p.PDF)
	if n < 2 {
		t.Fatalf("a row of %d characters in a narrow column fits one page", len([]rune(remark)))
	}
	var got strings.Builder
	for pg := 1; pg <= n; pg++ {
		header := false
		for _, w := range bboxWords(t, p.PDF, pg) {
			if !inPrintable(w) {
				t.Errorf("page %d: %q at y %.1f–%.1f outside the printable area", pg, w.text, w.yMin, w.yMax)
			}
			if w.text == "材料名称" {
				header = true
			}
			if strings.Trim(w.text, "很长的说明文字") == "" {
				got.WriteString(w.text)
			}
		}
		if !header && strings.Contains(pdftext(t, p.PDF, pg, pg), "很长") {
			t.Errorf("page %d continues the row without the column header", pg)
		}
	}
	if got.String() != remark {
		t.Errorf("the tall cell reads back as %d characters, want %d", len([]rune(got.String())), len([]rune(remark)))
	}
	if txt := pdftext(t, p.PDF, n, n); !strings.Contains(txt, "最后一行") {
		t.Error("the row after the tall one is not on the last page")
	}
}

// TestHeaderNeverAloneAtPageFoot starts a table where its header and
// four lines fit at the foot of a page. A five-line first row moves to
// the next page with the header, leaving nothing of the table behind; a
// first row taller than a page starts here, under the header, and
// continues. Every line of the row is drawn once.
func TestHeaderNeverAloneAtPageFoot(t *testing.T) {
	f := renderer(t).Font()
	for _, tc := range []struct {
		name      string
		lines     int  // lines of the first row
		startHere bool // the table starts on the first page
	}{
		{"row fits a page", 5, false},
		{"row taller than a page", 200, true},
	} {
		d, _ := newDoc(f, nil)
		fl := &flow{d: d, lb: labelSets["zh"], left: marginX, right: PageWidth - marginX, top: PageHeight - marginTop, bottom: marginBot}
		fl.p = d.newPage()
		tb := &table{size: 9, pad: 2.5, lead: 1.25, cols: []float64{100, 300}, header: [][]cell{{shaded("项目"), shaded("说明")}}}
		_, hh := fl.layoutRow(tb, tb.header[0], nil)
		fl.y = fl.bottom + hh + 4*tb.leading() + 2*tb.pad + 1
		row := []cell{{text: "甲"}, {text: strings.TrimSuffix(strings.Repeat("一行\n", tc.lines), "\n")}}
		fl.drawTable(tb, [][]cell{row})
		if got := strings.Contains(string(d.pages[0].c.B), "BT"); got != tc.startHere {
			t.Errorf("%s: table on the first page = %v, want %v", tc.name, got, tc.startHere)
		}
		line := string(d.appendText(nil, "一行"))
		drawn := 0
		for _, p := range d.pages {
			drawn += strings.Count(string(p.c.B), line)
		}
		if drawn != tc.lines {
			t.Errorf("%s: %d of %d lines drawn", tc.name, drawn, tc.lines)
		}
		if fl.y < fl.bottom {
			t.Errorf("%s: the table ends %.1f pt below the bottom margin", tc.name, fl.bottom-fl.y)
		}
	}
}

// TestLongFieldValueWrapsInsideItsCell checks a 40-character unit name and
// a 100-character address given as fields take a row of their own (too
// wide for half a row) and stay, wrapped, between the label column and
// the right margin.
func TestLongFieldValueWrapsInsideItsCell(t *testing.T) {
	d := longDocument("zh")
	d.Blocks = []Block{&Fields{Pairs: [][2]string{{"单位名称", longUnit}, {"单位地址", longAddress}, {"性别", "男"}}}}
	p, err := renderer(t).Document(d, sampleOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	width := PageWidth - 2*marginX
	left, right := marginX+width*0.17, PageWidth-marginX // the label column is 17 % for short labels
	f, _ := DefaultFont()
	for _, v := range []string{longUnit, longAddress} {
		lines := f.wrap(v, 9.5, right-left-2*4)
		if v == longAddress && len(lines) < 2 {
			t.Fatalf("the address fits one line; the test needs a longer one")
		}
		found := 0
		for _, w := range bboxWords(t, p.PDF, 1) {
			for _, l := range lines {
				if w.text != l {
					continue
				}
				found++
				if w.xMin < left || w.xMax > right {
					t.Errorf("line %q spans x %.1f–%.1f, outside its cell %.1f–%.1f", l, w.xMin, w.xMax, left, right)
				}
			}
		}
		if found != len(lines) {
			t.Errorf("found %d of the %d wrapped lines %q", found, len(lines), lines)
		}
	}
}
