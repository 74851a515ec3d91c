package render

import (
	"strings"
)

// Alignment of text in a box.
type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// Colours of the house style.
var (
	colText  = [3]float64{0, 0, 0}
	colMuted = [3]float64{0.35, 0.35, 0.35}
	colRule  = [3]float64{0.6, 0.6, 0.6}
	colShade = [3]float64{0.93, 0.94, 0.96}
	colSeal  = [3]float64{0.85, 0.1, 0.1}
)

// breaksAnywhere reports whether a line may break before or after r:
// CJK ideographs, kana, fullwidth forms and CJK punctuation.
func breaksAnywhere(r rune) bool { return r >= 0x2E80 }

// noLineStart lists characters that must not begin a line.
func noLineStart(r rune) bool {
	switch r {
	case '，', '。', '、', '；', '：', '！', '？', '）', '》', '」', '』', '】', '〕', '’', '”',
		',', '.', ';', ':', '!', '?', ')', ']', '}', '%':
		return true
	}
	return false
}

// noLineEnd lists characters that must not end a line.
func noLineEnd(r rune) bool {
	switch r {
	case '（', '《', '「', '『', '【', '〔', '‘', '“', '(', '[', '{':
		return true
	}
	return false
}

// wrap splits s into lines no wider than width at size points. CJK text
// breaks between any two characters (keeping closing punctuation with the
// character before it), other text at spaces; a word longer than the line
// is cut. "\n" forces a break. At least one line is returned.
func (f *Font) wrap(s string, size, width float64) []string {
	limit := int(width * 1000 / size) // in 1/1000 em
	if w, ok := f.lineWidth(s); ok && w <= limit {
		return []string{strings.TrimRight(s, " ")}
	}
	var lines []string
	ls := 0       // start of the current line
	w := 0        // width of s[ls:i]
	bp := -1      // last allowed break: the line may end at bp
	var prev rune // previous rune
	for i, r := range s {
		if r == '\n' {
			lines = append(lines, strings.TrimRight(s[ls:i], " "))
			ls, w, bp, prev = i+1, 0, -1, 0
			continue
		}
		if i > ls && (prev == ' ' && r != ' ' ||
			(breaksAnywhere(r) || breaksAnywhere(prev)) && !noLineStart(r) && !noLineEnd(prev)) {
			bp = i
		}
		rw := f.runeWidth(r)
		if w+rw > limit && i > ls && r != ' ' {
			cut := bp
			if cut <= ls || strings.TrimSpace(s[ls:cut]) == "" {
				// No break that leaves text on this line: cut here, even
				// inside a word or before closing punctuation.
				cut = i
			}
			lines = append(lines, strings.TrimRight(s[ls:cut], " "))
			ls = cut
			for ls < len(s) && s[ls] == ' ' {
				ls++
			}
			w = 0
			for _, q := range s[ls:i] {
				w += f.runeWidth(q)
			}
			bp = -1
		}
		w += rw
		prev = r
	}
	if ls < len(s) || len(lines) == 0 {
		lines = append(lines, strings.TrimRight(s[ls:], " "))
	}
	return lines
}

// lineWidth returns the width of s in 1/1000 em, and false if s holds a
// line break.
func (f *Font) lineWidth(s string) (int, bool) {
	w := 0
	for _, r := range s {
		if r == '\n' {
			return 0, false
		}
		w += f.runeWidth(r)
	}
	return w, true
}

// flow places blocks top to bottom, starting new pages as needed.
type flow struct {
	lb          *labels
	theme       Theme
	d           *doc
	p           *page
	y           float64 // top of the free space on the current page
	left, right float64
	top, bottom float64
	onNewPage   func()  // called after a page break, e.g. to redraw a header
	headRoom    float64 // height onNewPage takes at the top of a page
}

func (fl *flow) width() float64 { return fl.right - fl.left }

// ensure starts a new page unless h points of height fit on this one.
func (fl *flow) ensure(h float64) {
	if fl.y-h >= fl.bottom {
		return
	}
	fl.p = fl.d.newPage()
	fl.y = fl.top
	if fl.onNewPage != nil {
		fl.onNewPage()
	}
}

// paragraph writes wrapped text across the full width.
func (fl *flow) paragraph(s string, size float64, indent float64) {
	lead := size * 1.45
	for _, line := range fl.d.font.wrap(s, size, fl.width()-indent) {
		fl.ensure(lead)
		fl.d.text(&fl.p.c, fl.left+indent, fl.y-size, size, line)
		fl.y -= lead
	}
}

// cell is one table cell; span > 1 joins it with the cells to its right.
type cell struct {
	text  string
	span  int
	align align
	shade bool
}

// table describes a grid with optional header rows repeated on every page.
type table struct {
	cols   []float64 // column widths
	header [][]cell
	size   float64 // font size
	pad    float64
	lead   float64 // line height as a multiple of size; 0 → 1.3
}

func (t *table) leading() float64 {
	if t.lead == 0 {
		return t.size * 1.3
	}
	return t.size * t.lead
}

// rowScratch is memory that layoutRow lays rows out in, one row after
// the other: the lines it returns last are overwritten by its next call
// with the same scratch.
type rowScratch struct {
	lines [][]string
	one   []string
}

// layoutRow wraps each cell and returns its lines and the row height. s,
// when not nil, provides the memory of the result.
func (fl *flow) layoutRow(t *table, row []cell, s *rowScratch) ([][]string, float64) {
	var lines [][]string
	var one []string // backing of the cells that fit one line
	if s == nil {
		lines, one = make([][]string, len(row)), make([]string, len(row))
	} else {
		if cap(s.lines) < len(row) {
			s.lines, s.one = make([][]string, len(row)), make([]string, len(row))
		}
		lines, one = s.lines[:len(row)], s.one[:len(row)]
	}
	n := 1
	col := 0
	for i, c := range row {
		w := fl.cellWidth(t, col, c.span)
		if lw, ok := fl.d.font.lineWidth(c.text); ok && lw <= int((w-2*t.pad)*1000/t.size) {
			one[i] = strings.TrimRight(c.text, " ")
			lines[i] = one[i : i+1 : i+1]
		} else {
			lines[i] = fl.d.font.wrap(c.text, t.size, w-2*t.pad)
		}
		n = max(n, len(lines[i]))
		col += max(c.span, 1)
	}
	return lines, float64(n)*t.leading() + 2*t.pad
}

func (fl *flow) cellWidth(t *table, col, span int) float64 {
	w := 0.0
	for k := col; k < col+max(span, 1) && k < len(t.cols); k++ {
		w += t.cols[k]
	}
	return w
}

// drawRow draws one row at the current position, which must have room.
// In grid mode only the row's bottom rule is drawn here (and its top rule
// when first is set); drawTable adds the vertical rules per page.
func (fl *flow) drawRow(t *table, row []cell, lines [][]string, h float64, grid, first bool) {
	c := &fl.p.c
	x := fl.left
	col := 0
	top := fl.y
	lead := t.leading()
	// backgrounds first, then rules, then text
	for _, cl := range row {
		w := fl.cellWidth(t, col, cl.span)
		if cl.shade {
			c.FillRGB(colShade[0], colShade[1], colShade[2])
			c.Rect(x, top-h, w, h)
			c.Raw("f\n")
		}
		x += w
		col += max(cl.span, 1)
	}
	c.StrokeRGB(colRule[0], colRule[1], colRule[2])
	c.Op("w", 0.5)
	if grid {
		if first {
			c.Op("m", fl.left, top)
			c.Op("l", fl.left+t.width(), top)
		}
		c.Op("m", fl.left, top-h)
		c.Op("l", fl.left+t.width(), top-h)
	} else {
		x, col = fl.left, 0
		for _, cl := range row {
			w := fl.cellWidth(t, col, cl.span)
			c.Rect(x, top-h, w, h)
			x += w
			col += max(cl.span, 1)
		}
	}
	c.Raw("S\n")
	c.FillRGB(colText[0], colText[1], colText[2])
	// All the row's text in one text object, positioned with relative
	// moves.
	c.Raw("BT /F1 ")
	c.Op("Tf", t.size)
	lx, ly := 0.0, 0.0
	x, col = fl.left, 0
	for i, cl := range row {
		w := fl.cellWidth(t, col, cl.span)
		block := float64(len(lines[i])) * lead
		y0 := top - t.pad - (h-2*t.pad-block)/2
		for j, line := range lines[i] {
			if line == "" {
				continue
			}
			base := y0 - (float64(j)+0.5)*lead - 0.36*t.size
			tx := x + t.pad
			switch cl.align {
			case alignCenter:
				tx = x + (w-fl.d.font.Width(line, t.size))/2
			case alignRight:
				tx = x + w - t.pad - fl.d.font.Width(line, t.size)
			}
			c.Op("Td", tx-lx, base-ly)
			lx, ly = tx, base
			c.B = fl.d.appendText(c.B, line)
			c.Raw(" Tj\n")
		}
		x += w
		col += max(cl.span, 1)
	}
	c.Raw("ET\n")
	fl.y -= h
}

func (t *table) width() float64 {
	w := 0.0
	for _, c := range t.cols {
		w += c
	}
	return w
}

// uniform reports whether no cell of the table spans columns, so the
// vertical rules can run through whole page segments.
func (t *table) uniform(rows [][]cell) bool {
	for _, set := range [][][]cell{t.header, rows} {
		for _, r := range set {
			for _, c := range r {
				if c.span > 1 {
					return false
				}
			}
		}
	}
	return true
}

// verticals draws the column rules of a grid table from top to fl.y.
func (fl *flow) verticals(t *table, top float64) {
	if top <= fl.y {
		return
	}
	c := &fl.p.c
	c.StrokeRGB(colRule[0], colRule[1], colRule[2])
	c.Op("w", 0.5)
	x := fl.left
	c.Op("m", x, top)
	c.Op("l", x, fl.y)
	for _, w := range t.cols {
		x += w
		c.Op("m", x, top)
		c.Op("l", x, fl.y)
	}
	c.Raw("S\n")
}

// drawHeader draws the table's header rows.
func (fl *flow) drawHeader(t *table, grid bool, s *rowScratch) {
	for i, row := range t.header {
		lines, h := fl.layoutRow(t, row, s)
		fl.drawRow(t, row, lines, h, grid, i == 0)
	}
}

func (fl *flow) headerHeight(t *table, s *rowScratch) float64 {
	h := 0.0
	for _, row := range t.header {
		_, rh := fl.layoutRow(t, row, s)
		h += rh
	}
	return h
}

// drawTable draws the header and rows, continuing on new pages with the
// header repeated. The header never stands alone at the foot of a page:
// it moves to the next page unless the first row (or its first lines)
// fits under it. A row moves whole to the next page when it does not fit
// at the foot of this one; a row taller than a whole page is split
// between its lines, so no text runs off the page.
func (fl *flow) drawTable(t *table, rows [][]cell) {
	lead := t.leading()
	// The header's rows and the body's are laid out in scratch of their
	// own: a body row split across pages keeps its remaining lines while
	// the header is drawn again.
	var hs, bs rowScratch
	hh := fl.headerHeight(t, &hs)
	// capacity is the height a row may take on a page of its own.
	capacity := fl.top - fl.headRoom - hh - fl.bottom
	first := 0.0
	if len(rows) > 0 {
		_, first = fl.layoutRow(t, rows[0], &bs)
	}
	grid := t.uniform(rows)
	if first > capacity { // the first row will be split: its first lines go with the header
		first = min(first, 3*lead+2*t.pad)
	}
	fl.ensure(hh + first)
	top := fl.y
	fl.drawHeader(t, grid, &hs)
	newPage := func() {
		if grid {
			fl.verticals(t, top)
		}
		fl.ensure(fl.top) // force a page break
		top = fl.y
		fl.drawHeader(t, grid, &hs)
	}
	for i, row := range rows {
		lines, h := fl.layoutRow(t, row, &bs)
		fresh := false // the row's page holds nothing but the header
		for fl.y-h < fl.bottom {
			room := int((fl.y - fl.bottom - 2*t.pad) / lead)
			if h <= capacity || room < 2 && !fresh {
				newPage()
				fresh = true
				continue
			}
			// Taller than a page: fill this one and continue on the next.
			head, tail := splitLines(lines, max(room, 1))
			fl.drawRow(t, row, head, float64(max(room, 1))*lead+2*t.pad, grid, i == 0 && len(t.header) == 0 || fl.y == top)
			newPage()
			fresh = true
			lines = tail
			h = float64(maxLines(tail))*lead + 2*t.pad
		}
		fl.drawRow(t, row, lines, h, grid, i == 0 && len(t.header) == 0 || fl.y == top)
	}
	if grid {
		fl.verticals(t, top)
	}
}

// splitLines cuts each cell's lines after the first n.
func splitLines(lines [][]string, n int) (head, tail [][]string) {
	head, tail = make([][]string, len(lines)), make([][]string, len(lines))
	for i, l := range lines {
		k := min(n, len(l))
		head[i], tail[i] = l[:k], l[k:]
	}
	return head, tail
}

// maxLines returns the number of lines of the cell with the most.
func maxLines(lines [][]string) int {
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	return n
}
