package render

import (
	"strings"
	"testing"
)

// FuzzTableFlow lays out tables of arbitrary cell text (drawn from
// characters the font covers), column widths and row counts: the flow
// always ends, draws every line of every cell exactly once (and the
// header once per page it uses), and ends above the bottom margin.
func FuzzTableFlow(f *testing.F) {
	font, err := DefaultFont()
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("甲乙\n丙"), uint8(3), uint8(1), uint8(6), uint8(9))
	f.Add([]byte(strings.Repeat("一行 ", 300)), uint8(1), uint8(1), uint8(1), uint8(40))
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7}, uint8(200), uint8(255), uint8(1), uint8(2))
	const alphabet = "一行甲乙丙丁，。（）ab 1\n"
	runes := []rune(alphabet)
	f.Fuzz(func(t *testing.T, data []byte, rows, w0, w1, start uint8) {
		if len(data) > 600 {
			return
		}
		var b strings.Builder
		for _, c := range data {
			b.WriteRune(runes[int(c)%len(runes)])
		}
		text := b.String()
		d, _ := newDoc(font, nil)
		fl := &flow{d: d, lb: labelSets["zh"], left: marginX, right: PageWidth - marginX, top: PageHeight - marginTop, bottom: marginBot}
		fl.p = d.newPage()
		fl.headRoom = 22
		fl.onNewPage = func() { fl.y -= fl.headRoom }
		fl.y = fl.bottom + float64(start)*3
		total := fl.width()
		a, c := float64(w0)+1, float64(w1)+1
		tb := &table{size: 9, pad: 2.5, lead: 1.25, cols: []float64{total * a / (a + c), total * c / (a + c)},
			header: [][]cell{{shaded("项目"), shaded("说明")}}}
		var cells [][]cell
		want := 0
		for i := 0; i < int(rows%40); i++ {
			row := []cell{{text: text[:len(text)*i/40]}, {text: text}}
			cells = append(cells, row)
			lines, _ := fl.layoutRow(tb, row, nil)
			for _, l := range lines {
				for _, s := range l {
					if s != "" {
						want++
					}
				}
			}
		}
		fl.drawTable(tb, cells)
		drawn := 0
		for _, p := range d.pages {
			drawn += strings.Count(string(p.c.B), " Tj")
		}
		hl, _ := fl.layoutRow(tb, tb.header[0], nil)
		perPage := len(hl[0]) + len(hl[1])
		pages := len(d.pages)
		if strings.Count(string(d.pages[0].c.B), " Tj") == 0 {
			pages-- // the table started on the next page
		}
		headers := perPage * pages // each page repeats the header
		if drawn-headers != want {
			t.Fatalf("%d lines drawn for %d in %d pages", drawn-headers, want, len(d.pages))
		}
		if fl.y < fl.bottom-1e-6 {
			t.Fatalf("the table ends %.1f pt below the bottom margin", fl.bottom-fl.y)
		}
	})
}
