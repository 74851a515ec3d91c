package render

import (
	"fmt"
	"strconv"
	"time"

	"sihub/signer/pades"
)

// InsuranceStatus is one insurance type's line in the status table.
type InsuranceStatus struct {
	Type, TypeName, Status string // e.g. "110", "企业职工基本养老保险", "参保缴费"
	Since                  string // YYYY-MM
	UnitName               string
}

// MonthRow is one month of the contribution table. Amounts are in fen.
type MonthRow struct {
	Month                                  string // YYYY-MM
	PensionBase, PensionPersonal           int64
	MedicalBase, MedicalPersonal           int64
	UnemploymentBase, UnemploymentPersonal int64
	Status, UnitName                       string
}

// InsuranceCertificate is the person insurance certificate (参保证明（个人）).
type InsuranceCertificate struct {
	Agency, Region                string
	Number, Code, CodeGrouped     string // Code (canonical) goes to /SihubCode; CodeGrouped is printed
	VerifyURL, QRText             string // printed URL; QR payload
	PrintedAt, ValidUntil         time.Time
	Name, Sex, PersonID, UnitName string
	Statuses                      []InsuranceStatus
	ConsecutiveMonths             int
	Months                        []MonthRow // newest last
	Notes                         []string
	Seal                          SealImage
}

// certificateTitle is the printed title and the /Title of the file.
const certificateTitle = "社会保险个人参保证明"

// Page frame: 20 mm side margins.
const (
	marginX   = 56.69
	marginTop = 48
	marginBot = 46
	footerY   = 28
	qrSize    = 30 / 25.4 * 72
)

// ymd formats a date the Chinese way.
func ymd(t time.Time) string {
	return fmt.Sprintf("%04d年%02d月%02d日", t.Year(), int(t.Month()), t.Day())
}

// yuan formats an amount in fen as yuan with two decimals.
func yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := strconv.FormatInt(fen/100, 10) + "." + string(rune('0'+fen%100/10)) + string(rune('0'+fen%10))
	if neg {
		s = "-" + s
	}
	return s
}

// strings returns every string the certificate prints, for the coverage
// check.
func (c *InsuranceCertificate) strings() []string {
	ss := []string{c.Agency, c.Region, c.Number, c.CodeGrouped, c.VerifyURL, c.Name, c.Sex, c.PersonID,
		c.UnitName, c.Seal.Agency, c.Seal.Name}
	for _, s := range c.Statuses {
		ss = append(ss, s.TypeName, s.Status, s.Since, s.UnitName)
	}
	for _, m := range c.Months {
		ss = append(ss, m.Month, m.Status, m.UnitName)
	}
	return append(ss, c.Notes...)
}

func (c *InsuranceCertificate) validate() error {
	switch {
	case c.Number == "" || c.Code == "" || c.CodeGrouped == "":
		return fmt.Errorf("%w: document number and anti-forgery code are required", ErrInvalidInput)
	case c.QRText == "":
		return fmt.Errorf("%w: QR payload is required", ErrInvalidInput)
	case c.Name == "" || c.PersonID == "":
		return fmt.Errorf("%w: name and social security number are required", ErrInvalidInput)
	case c.PrintedAt.IsZero() || c.ValidUntil.IsZero():
		return fmt.Errorf("%w: print date and validity are required", ErrInvalidInput)
	case len(c.Months) > maxRows || len(c.Statuses) > maxRows || len(c.Notes) > maxRows:
		return fmt.Errorf("%w: more than %d rows in a table", ErrInvalidInput, maxRows)
	case len(c.QRText) > 1000:
		return fmt.Errorf("%w: QR payload of %d bytes", ErrInvalidInput, len(c.QRText))
	}
	for _, s := range c.strings() {
		if len(s) > maxText {
			return fmt.Errorf("%w: text of %d bytes exceeds %d: %.40q…", ErrInvalidInput, len(s), maxText, s)
		}
	}
	return nil
}

// Input caps: far above any real certificate, low enough that a bad
// record cannot make the renderer produce a huge file.
const (
	maxRows = 600
	maxText = 2000
)

// InsuranceCertificate renders the person insurance certificate with its
// signature fields. The first signature's field shows the seal over the
// agency's name at the end of the document.
func (r *Renderer) InsuranceCertificate(c *InsuranceCertificate, o Options) (*pades.Prepared, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	if err := r.check(c.strings()...); err != nil {
		return nil, err
	}
	if len(o.Signatures) == 0 {
		return nil, ErrNoSignature
	}
	d := newDoc(r.font)
	f := r.font
	fl := &flow{d: d, left: marginX, right: PageWidth - marginX, top: PageHeight - marginTop, bottom: marginBot}
	fl.p = d.newPage()
	fl.y = fl.top
	fl.onNewPage = func() {
		cc := &fl.p.c
		cc.FillRGB(colMuted[0], colMuted[1], colMuted[2])
		d.text(cc, fl.left, fl.y-8, 8, certificateTitle+"（续）　证明编号："+c.Number)
		cc.StrokeRGB(colRule[0], colRule[1], colRule[2])
		cc.Op("w", 0.5)
		cc.Line(fl.left, fl.y-13, fl.right, fl.y-13)
		cc.FillRGB(0, 0, 0)
		fl.y -= 22
	}
	pc := &fl.p.c

	// Title and accent rule.
	const titleSize = 18
	tw := f.Width(certificateTitle, titleSize)
	d.textBold(pc, (PageWidth-tw)/2, fl.y-titleSize, titleSize, certificateTitle)
	rule := fl.y - titleSize - 12
	pc.StrokeRGB(colAccent[0], colAccent[1], colAccent[2])
	pc.Op("w", 1.2)
	pc.Line(fl.left, rule, fl.right, rule)

	// QR code at the top right, header lines to its left.
	qrTop := rule - 8
	if err := drawQR(pc, c.QRText, fl.right-qrSize, qrTop-qrSize, qrSize); err != nil {
		return nil, err
	}
	pc.FillRGB(colMuted[0], colMuted[1], colMuted[2])
	const capSize = 7
	capText := "扫码验证真伪"
	d.text(pc, fl.right-qrSize/2-f.Width(capText, capSize)/2, qrTop-qrSize-9, capSize, capText)
	pc.FillRGB(0, 0, 0)

	fl.y = qrTop
	saveRight := fl.right
	fl.right = saveRight - qrSize - 14
	const hs = 9.5
	lines := []string{
		"打印日期：" + ymd(c.PrintedAt),
		"证明编号：" + c.Number,
		"校验码：" + c.CodeGrouped,
		"凭此校验码，全国可上网确认真伪",
	}
	if c.VerifyURL != "" {
		lines = append(lines, "验证网址："+c.VerifyURL)
	}
	if c.Region != "" {
		lines = append(lines, "参保地："+c.Region)
	}
	for _, s := range lines {
		fl.paragraph(s, hs, 0)
	}
	fl.right = saveRight
	fl.y = min(fl.y, qrTop-qrSize-14) - 6

	// Person block.
	sh := func(s string) cell { return cell{text: s, shade: true, align: alignCenter} }
	person := &table{cols: []float64{82, 159, 82, 158.9}, size: 9.5, pad: 4}
	fl.drawTable(person, [][]cell{
		{sh("姓名"), {text: c.Name}, sh("性别"), {text: c.Sex}},
		{sh("社会保障号码"), {text: c.PersonID}, sh("当前参保单位"), {text: c.UnitName}},
	})

	// Status per insurance type.
	fl.y -= 10
	heading := func(s string) {
		fl.ensure(40)
		d.textBold(&fl.p.c, fl.left, fl.y-10, 10, s)
		fl.y -= 16
	}
	heading("一、参保状态")
	hc := func(s string) cell { return cell{text: s, shade: true, align: alignCenter} }
	status := &table{cols: []float64{120, 70, 80, 211.9}, size: 9, pad: 2.5, lead: 1.25,
		header: [][]cell{{hc("险种"), hc("参保状态"), hc("参保起始年月"), hc("参保单位")}}}
	rows := make([][]cell, 0, len(c.Statuses))
	for _, s := range c.Statuses {
		rows = append(rows, []cell{{text: s.TypeName}, {text: s.Status, align: alignCenter},
			{text: s.Since, align: alignCenter}, {text: s.UnitName}})
	}
	fl.drawTable(status, rows)
	fl.y -= 6
	fl.ensure(16)
	d.text(&fl.p.c, fl.left, fl.y-10, 9.5, "在当前参保单位连续缴费月数："+strconv.Itoa(c.ConsecutiveMonths)+" 个月")
	fl.y -= 18

	// Last months.
	heading("二、近" + strconv.Itoa(len(c.Months)) + "个月缴费明细（金额单位：元）")
	months := &table{cols: []float64{44, 52, 45, 52, 45, 52, 45, 42, 104.9}, size: 7.5, pad: 1.6, lead: 1.22,
		header: [][]cell{{hc("年月"), hc("养老\n缴费基数"), hc("养老\n个人缴费"), hc("医疗\n缴费基数"), hc("医疗\n个人缴费"),
			hc("失业\n缴费基数"), hc("失业\n个人缴费"), hc("缴费状态"), hc("单位")}}}
	rows = rows[:0]
	for _, m := range c.Months {
		rows = append(rows, []cell{{text: m.Month, align: alignCenter},
			{text: yuan(m.PensionBase), align: alignRight}, {text: yuan(m.PensionPersonal), align: alignRight},
			{text: yuan(m.MedicalBase), align: alignRight}, {text: yuan(m.MedicalPersonal), align: alignRight},
			{text: yuan(m.UnemploymentBase), align: alignRight}, {text: yuan(m.UnemploymentPersonal), align: alignRight},
			{text: m.Status, align: alignCenter}, {text: m.UnitName}})
	}
	fl.drawTable(months, rows)

	// Notes on the left, agency and date on the right under the seal; the
	// two share one band that moves to a new page when it does not fit.
	fl.y -= 8
	const ns, as = 8.5, 10.5
	notes := append([]string{"本证明有效期至 " + ymd(c.ValidUntil) + "。"}, c.Notes...)
	aw := max(f.Width(c.Agency, as), f.Width(ymd(c.PrintedAt), as))
	noteW := fl.width() - max(aw, sealDiameter) - 16
	var noteLines []string
	for i, n := range notes {
		noteLines = append(noteLines, f.wrap(strconv.Itoa(i+1)+". "+n, ns, noteW)...)
	}
	band := max(16+float64(len(noteLines))*ns*1.45, sealDiameter*0.66)
	if band > fl.y-fl.bottom {
		fl.ensure(fl.top) // force a page break
	}
	top, pg := fl.y, len(d.pages)
	d.textBold(&fl.p.c, fl.left, fl.y-10, 10, "备注")
	fl.y -= 16
	for _, line := range noteLines {
		fl.ensure(ns * 1.45)
		d.text(&fl.p.c, fl.left, fl.y-ns, ns, line)
		fl.y -= ns * 1.45
	}
	if len(d.pages) != pg { // notes longer than a page: seal at the top of the last
		top = fl.top - 22
	}
	y1 := top - sealDiameter*0.42
	x := fl.right - 6 - aw
	d.text(&fl.p.c, x+aw-f.Width(c.Agency, as), y1, as, c.Agency)
	d.text(&fl.p.c, x+aw-f.Width(ymd(c.PrintedAt), as), y1-18, as, ymd(c.PrintedAt))
	cx := min(x+aw/2, PageWidth-sealDiameter/2-12)
	cy := max(y1-4, sealDiameter/2+footerY+10)

	// Footers.
	for i, p := range d.pages {
		s := "第 " + strconv.Itoa(i+1) + " 页，共 " + strconv.Itoa(len(d.pages)) + " 页"
		p.c.FillRGB(colMuted[0], colMuted[1], colMuted[2])
		d.text(&p.c, (PageWidth-f.Width(s, 8))/2, footerY, 8, s)
	}

	return r.finish(d, meta{
		Title: certificateTitle, Code: c.Code, Number: c.Number, Created: c.PrintedAt,
		Seal: c.Seal, SealPg: len(d.pages) - 1, SealAt: [2]float64{cx, cy},
	}, o)
}
