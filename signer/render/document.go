package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"sihub/signer/pades"
)

// Document is any of the agency's sealed documents in the house layout:
// title with an accent rule, a header block (print date, document number,
// anti-forgery code, how to verify) beside the QR code, the body blocks in
// order, numbered notes beside the agency's name and date under the seal,
// and "第 N 页，共 M 页" on every page. Tables continue on new pages with
// their header repeated.
type Document struct {
	Title                     string
	Subtitle                  string // under the title, e.g. the English title of a bilingual document
	Agency, Region            string
	Number, Code, CodeGrouped string // Code (canonical) goes to /SihubCode; CodeGrouped is printed
	VerifyURL, QRText         string // printed URL; QR payload
	PrintedAt                 time.Time
	ValidUntil                time.Time // zero: no validity note
	VerifyUntil               time.Time // end of online verification; no note when zero or the day of ValidUntil
	Lang                      string    // "zh" (default) or "en": the layout's own words
	Blocks                    []Block
	Notes                     []string
	Seal                      SealImage
}

// Block is one part of a document's body: *Fields, *Table or *Paragraph.
type Block interface{ block() }

// Fields is a grid of label/value pairs, two pairs per row.
type Fields struct {
	Heading string
	Pairs   [][2]string
}

// Align places text in a table column.
type Align int

// Column alignments.
const (
	Left Align = iota
	Center
	Right
)

// Column is one table column; widths are relative weights.
type Column struct {
	Title string // "\n" breaks the header line
	Width float64
	Align Align
}

// Table is a table with a header row; Dense uses a smaller type for long
// numeric tables.
type Table struct {
	Heading string
	Columns []Column
	Rows    [][]string
	Dense   bool
}

// Paragraph is wrapped text with an optional heading.
type Paragraph struct {
	Heading, Text string
}

func (*Fields) block()    {}
func (*Table) block()     {}
func (*Paragraph) block() {}

// Input caps: far above any real document, low enough that a bad record
// cannot make the renderer produce a huge file.
const (
	maxRows   = 600
	maxText   = 2000
	maxBlocks = 50
	maxQR     = 1000
)

// eachString calls fn with every string the document prints, stopping at
// the first error.
func (d *Document) eachString(fn func(string) error) error {
	for _, s := range [...]string{d.Title, d.Subtitle, d.Agency, d.Region, d.Number, d.CodeGrouped, d.VerifyURL, d.Seal.Agency, d.Seal.Name} {
		if err := fn(s); err != nil {
			return err
		}
	}
	each := func(ss ...string) error {
		for _, s := range ss {
			if err := fn(s); err != nil {
				return err
			}
		}
		return nil
	}
	for _, b := range d.Blocks {
		var err error
		switch b := b.(type) {
		case *Fields:
			err = fn(b.Heading)
			for _, p := range b.Pairs {
				if err == nil {
					err = each(p[0], p[1])
				}
			}
		case *Table:
			err = fn(b.Heading)
			for _, c := range b.Columns {
				if err == nil {
					err = fn(c.Title)
				}
			}
			for _, r := range b.Rows {
				if err == nil {
					err = each(r...)
				}
			}
		case *Paragraph:
			err = each(b.Heading, b.Text)
		}
		if err != nil {
			return err
		}
	}
	return each(d.Notes...)
}

// templateText returns the strings the document shares with the others
// of its kind and agency: title, headings, labels, column titles, notes,
// the agency, the seal's words and the layout's own words. Their glyphs
// make the document's font template. The verification URL is left out:
// it may end with the document's code.
func (d *Document) templateText(lb *labels) []string {
	ss := []string{d.Title, d.Subtitle, d.Agency, d.Region, d.Seal.Agency, d.Seal.Name}
	ss = append(ss, lb.text()...)
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case *Fields:
			ss = append(ss, b.Heading)
			for _, p := range b.Pairs {
				ss = append(ss, p[0])
			}
		case *Table:
			ss = append(ss, b.Heading)
			for _, c := range b.Columns {
				ss = append(ss, c.Title)
			}
		case *Paragraph:
			ss = append(ss, b.Heading)
		}
	}
	return append(ss, d.Notes...)
}

func (d *Document) validate() error {
	switch {
	case d.Title == "":
		return fmt.Errorf("%w: title is required", ErrInvalidInput)
	case d.Number == "" || d.Code == "" || d.CodeGrouped == "":
		return fmt.Errorf("%w: document number and anti-forgery code are required", ErrInvalidInput)
	case d.QRText == "":
		return fmt.Errorf("%w: QR payload is required", ErrInvalidInput)
	case len(d.QRText) > maxQR:
		return fmt.Errorf("%w: QR payload of %d bytes", ErrInvalidInput, len(d.QRText))
	case d.PrintedAt.IsZero():
		return fmt.Errorf("%w: print date is required", ErrInvalidInput)
	case len(d.Blocks) > maxBlocks || len(d.Notes) > maxRows:
		return fmt.Errorf("%w: more than %d blocks or %d notes", ErrInvalidInput, maxBlocks, maxRows)
	}
	for i, b := range d.Blocks {
		switch b := b.(type) {
		case *Table:
			if len(b.Columns) == 0 || len(b.Rows) > maxRows {
				return fmt.Errorf("%w: table %d has %d columns and %d rows (at most %d)", ErrInvalidInput, i, len(b.Columns), len(b.Rows), maxRows)
			}
			for _, r := range b.Rows {
				if len(r) != len(b.Columns) {
					return fmt.Errorf("%w: table %d: row of %d cells for %d columns", ErrInvalidInput, i, len(r), len(b.Columns))
				}
			}
		case *Fields:
			if len(b.Pairs) > maxRows {
				return fmt.Errorf("%w: %d fields", ErrInvalidInput, len(b.Pairs))
			}
		case *Paragraph:
		default:
			return fmt.Errorf("%w: block %d of unknown type %T", ErrInvalidInput, i, b)
		}
	}
	return d.eachString(func(s string) error {
		if len(s) > maxText {
			return fmt.Errorf("%w: text of %d bytes exceeds %d: %.40q…", ErrInvalidInput, len(s), maxText, s)
		}
		return nil
	})
}

// Page frame: 20 mm side margins.
const (
	marginX   = 56.69
	marginTop = 48
	marginBot = 46
	footerY   = 28
	qrSize    = 30 / 25.4 * 72
)

// Document renders d with its signature fields. The first signature's
// field shows the seal over the agency's name at the end of the document.
func (r *Renderer) Document(doc *Document, o Options) (*pades.Prepared, error) {
	if err := doc.validate(); err != nil {
		return nil, err
	}
	if err := doc.eachString(r.font.Check); err != nil {
		return nil, err
	}
	lb, err := labelsFor(doc.Lang)
	if err != nil {
		return nil, err
	}
	if err := r.check(lb.text()...); err != nil {
		return nil, fmt.Errorf("render: the font cannot draw the template: %w", err)
	}
	if len(o.Signatures) == 0 {
		return nil, ErrNoSignature
	}
	tpl, err := r.font.template(doc.templateText(lb))
	if err != nil {
		return nil, fmt.Errorf("render: font subset: %w", err)
	}
	d, err := newDoc(r.font, tpl)
	if err != nil {
		return nil, err
	}
	fl := &flow{d: d, lb: lb, theme: r.theme, left: marginX, right: PageWidth - marginX, top: PageHeight - marginTop, bottom: marginBot}
	fl.p = d.newPage()
	fl.y = fl.top
	fl.onNewPage = func() {
		c := &fl.p.c
		c.FillRGB(colMuted[0], colMuted[1], colMuted[2])
		d.text(c, fl.left, fl.y-8, 8, doc.Title+lb.continued+"　"+lb.number+doc.Number)
		c.StrokeRGB(colRule[0], colRule[1], colRule[2])
		c.Op("w", 0.5)
		c.Line(fl.left, fl.y-13, fl.right, fl.y-13)
		c.FillRGB(0, 0, 0)
		fl.y -= fl.headRoom
	}
	fl.headRoom = 22
	if err := fl.header(doc); err != nil {
		return nil, err
	}
	for _, b := range doc.Blocks {
		switch b := b.(type) {
		case *Fields:
			fl.fields(b)
		case *Table:
			fl.userTable(b)
		case *Paragraph:
			if b.Heading != "" {
				fl.heading(b.Heading)
			}
			fl.paragraph(b.Text, 9.5, 0)
			fl.y -= 4
		}
	}
	cx, cy := fl.closing(doc)

	for i, p := range d.pages {
		s := lb.page(i+1, len(d.pages))
		p.c.FillRGB(colMuted[0], colMuted[1], colMuted[2])
		d.text(&p.c, (PageWidth-r.font.Width(s, 8))/2, footerY, 8, s)
	}
	return r.finish(d, meta{
		Title: doc.Title, Code: doc.Code, Number: doc.Number, Created: doc.PrintedAt,
		Seal: doc.Seal, SealPg: len(d.pages) - 1, SealAt: [2]float64{cx, cy},
	}, o)
}

// header draws the title, the accent rule, the QR code and the header
// lines beside it.
func (fl *flow) header(doc *Document) error {
	d, f, pc := fl.d, fl.d.font, &fl.p.c
	const titleSize = 18
	tw := f.Width(doc.Title, titleSize)
	d.textBold(pc, (PageWidth-tw)/2, fl.y-titleSize, titleSize, doc.Title)
	rule := fl.y - titleSize - 12
	if doc.Subtitle != "" {
		const subSize = 11
		d.text(pc, (PageWidth-f.Width(doc.Subtitle, subSize))/2, rule-subSize+4, subSize, doc.Subtitle)
		rule -= subSize + 6
	}
	a := fl.theme.Accent
	pc.StrokeRGB(a[0], a[1], a[2])
	pc.Op("w", 1.2)
	pc.Line(fl.left, rule, fl.right, rule)

	qrTop := rule - 8
	if err := drawQR(pc, doc.QRText, fl.right-qrSize, qrTop-qrSize, qrSize); err != nil {
		return err
	}
	pc.FillRGB(colMuted[0], colMuted[1], colMuted[2])
	const capSize = 7
	capText := fl.lb.scan
	d.text(pc, fl.right-qrSize/2-f.Width(capText, capSize)/2, qrTop-qrSize-9, capSize, capText)
	pc.FillRGB(0, 0, 0)

	fl.y = qrTop
	right := fl.right
	fl.right = right - qrSize - 14
	lb := fl.lb
	lines := []string{
		lb.printed + lb.date(doc.PrintedAt),
		lb.number + doc.Number,
		lb.code + doc.CodeGrouped,
		lb.hint,
	}
	if doc.VerifyURL != "" {
		lines = append(lines, lb.verifyAt+doc.VerifyURL)
	}
	if doc.Region != "" {
		lines = append(lines, lb.region+doc.Region)
	}
	for _, s := range lines {
		fl.paragraph(s, 9.5, 0)
	}
	fl.right = right
	fl.y = min(fl.y, qrTop-qrSize-14) - 6
	return nil
}

// heading draws a bold section heading, wrapped to the width and kept
// with what follows.
func (fl *flow) heading(s string) {
	const size, lead = 10, 14
	lines := fl.d.font.wrap(s, size, fl.width())
	fl.ensure(40 + float64(len(lines)-1)*lead)
	for i, line := range lines {
		if i > 0 {
			fl.y -= lead
		}
		fl.d.textBold(&fl.p.c, fl.left, fl.y-size, size, line)
	}
	fl.y -= 16
}

func shaded(s string) cell { return cell{text: s, shade: true, align: alignCenter} }

// fields draws label/value pairs, two per row.
func (fl *flow) fields(b *Fields) {
	if b.Heading != "" {
		fl.heading(b.Heading)
	}
	w := fl.width()
	t := &table{size: 9.5, pad: 4}
	lw := w * 0.17 // wide enough for six CJK characters; longer labels widen it
	for _, p := range b.Pairs {
		lw = max(lw, fl.d.font.Width(p[0], t.size)+2*t.pad+1)
	}
	lw = min(lw, w*0.3)
	vw := (w - 2*lw) / 2
	t.cols = []float64{lw, vw, lw, vw}
	// A pair whose value does not fit its half of the row gets a row of
	// its own, so that identifiers and dates are not broken.
	fits := func(p [2]string) bool {
		for _, line := range strings.Split(p[1], "\n") {
			if fl.d.font.Width(line, t.size)+2*t.pad+1 > vw {
				return false
			}
		}
		return true
	}
	var rows [][]cell
	for i := 0; i < len(b.Pairs); {
		row := []cell{shaded(b.Pairs[i][0]), {text: b.Pairs[i][1]}}
		if i+1 < len(b.Pairs) && fits(b.Pairs[i]) && fits(b.Pairs[i+1]) {
			row = append(row, shaded(b.Pairs[i+1][0]), cell{text: b.Pairs[i+1][1]})
			i += 2
		} else {
			row[1].span = 3
			i++
		}
		rows = append(rows, row)
	}
	fl.drawTable(t, rows)
	fl.y -= 10
}

// userTable draws a Table block with its widths scaled to the page.
func (fl *flow) userTable(b *Table) {
	if b.Heading != "" {
		fl.heading(b.Heading)
	}
	sum := 0.0
	for _, c := range b.Columns {
		sum += max(c.Width, 0)
	}
	t := &table{size: 9, pad: 2.5, lead: 1.25}
	if b.Dense {
		t = &table{size: 7.5, pad: 1.1, lead: 1.2}
	}
	hdr := make([]cell, len(b.Columns))
	for i, c := range b.Columns {
		w := fl.width() / float64(len(b.Columns))
		if sum > 0 {
			w = fl.width() * max(c.Width, 0) / sum
		}
		t.cols = append(t.cols, w)
		hdr[i] = shaded(c.Title)
	}
	t.header = [][]cell{hdr}
	rows := make([][]cell, len(b.Rows))
	cells := make([]cell, len(b.Rows)*len(b.Columns))
	for i, r := range b.Rows {
		rows[i] = cells[i*len(b.Columns) : (i+1)*len(b.Columns) : (i+1)*len(b.Columns)]
		for j, s := range r {
			rows[i][j] = cell{text: s, align: align(b.Columns[j].Align)}
		}
	}
	fl.drawTable(t, rows)
	fl.y -= 8
}

// closing draws the notes on the left and the agency and date on the
// right; the two share one band that moves to a new page when it does not
// fit. It returns the seal's centre.
func (fl *flow) closing(doc *Document) (float64, float64) {
	d, f := fl.d, fl.d.font
	const ns, as = 8.5, 10.5
	var notes []string
	if !doc.ValidUntil.IsZero() {
		notes = append(notes, fl.lb.valid(doc.ValidUntil))
	}
	if !doc.VerifyUntil.IsZero() && fl.lb.date(doc.VerifyUntil) != fl.lb.date(doc.ValidUntil) {
		notes = append(notes, fl.lb.verify(doc.VerifyUntil))
	}
	notes = append(notes, doc.Notes...)
	date := fl.lb.date(doc.PrintedAt)
	aw := max(f.Width(doc.Agency, as), f.Width(date, as))
	noteW := fl.width() - max(aw, sealDiameter) - 16
	var lines []string
	for i, n := range notes {
		lines = append(lines, f.wrap(strconv.Itoa(i+1)+". "+n, ns, noteW)...)
	}
	band := sealDiameter * 0.66
	if len(lines) > 0 {
		band = max(16+float64(len(lines))*ns*1.45, band)
	}
	if band > fl.y-fl.bottom {
		fl.ensure(fl.top) // force a page break
	}
	top, pg := fl.y, len(d.pages)
	if len(lines) > 0 {
		d.textBold(&fl.p.c, fl.left, fl.y-10, 10, fl.lb.notes)
		fl.y -= 16
	}
	for _, line := range lines {
		fl.ensure(ns * 1.45)
		d.text(&fl.p.c, fl.left, fl.y-ns, ns, line)
		fl.y -= ns * 1.45
	}
	if len(d.pages) != pg { // notes longer than a page: seal at the top of the last
		top = fl.top - fl.headRoom
	}
	y1 := top - sealDiameter*0.42
	x := fl.right - 6 - aw
	d.text(&fl.p.c, x+aw-f.Width(doc.Agency, as), y1, as, doc.Agency)
	d.text(&fl.p.c, x+aw-f.Width(date, as), y1-18, as, date)
	return min(x+aw/2, PageWidth-sealDiameter/2-12), max(y1-4, sealDiameter/2+footerY+10)
}
