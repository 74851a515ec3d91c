package render

import (
	"fmt"
	"strconv"
	"strings"
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

// InsuranceCertificate is the person insurance certificate (参保证明（个人）),
// laid out after the Qingdao certificate.
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
	Lang                          string // "zh" (default) or "en"
}

// certificateWords are the certificate's own labels, per language.
type certificateWords struct {
	title, subtitle, name, sex, id, unit            string
	statusHeading, typ, status, since, statusUnit   string
	consecutive                                     func(n int) string
	monthsHeading                                   func(n int) string
	month, pBase, pPers, mBase, mPers, uBase, uPers string
	payStatus, payUnit                              string
}

var certificateLangs = map[string]*certificateWords{
	"zh": {
		title: CertificateTitle, name: "姓名", sex: "性别", id: "社会保障号码", unit: "当前参保单位",
		statusHeading: "一、参保状态", typ: "险种", status: "参保状态", since: "参保起始年月", statusUnit: "参保单位",
		consecutive: func(n int) string { return "在当前参保单位连续缴费月数：" + strconv.Itoa(n) + " 个月" },
		monthsHeading: func(n int) string {
			return "二、近" + strconv.Itoa(n) + "个月缴费明细（金额单位：元）"
		},
		month: "年月", pBase: "养老\n缴费基数", pPers: "养老\n个人缴费", mBase: "医疗\n缴费基数", mPers: "医疗\n个人缴费",
		uBase: "失业\n缴费基数", uPers: "失业\n个人缴费", payStatus: "缴费状态", payUnit: "单位",
	},
	"en": {
		title: "Social Insurance Certificate (Individual)", name: "Name", sex: "Sex", id: "Social security No.",
		unit: "Current employer", statusHeading: "1. Insurance status", typ: "Insurance", status: "Status",
		since: "Insured since", statusUnit: "Employer",
		consecutive:   func(n int) string { return "Consecutive months with the current employer: " + strconv.Itoa(n) },
		monthsHeading: func(n int) string { return "2. Contributions in the last " + strconv.Itoa(n) + " months (yuan)" },
		month:         "Month", pBase: "Pension\nbase", pPers: "Pension\npersonal", mBase: "Medical\nbase",
		mPers: "Medical\npersonal", uBase: "Unempl.\nbase", uPers: "Unempl.\npersonal", payStatus: "Status",
		payUnit: "Employer",
	},
}

func init() {
	zh, en := certificateLangs["zh"], certificateLangs["en"]
	certificateLangs["zh,en"] = &certificateWords{
		title: zh.title, subtitle: en.title, name: stacked(zh.name, en.name), sex: stacked(zh.sex, en.sex), id: stacked(zh.id, en.id),
		unit: stacked(zh.unit, en.unit), statusHeading: both(zh.statusHeading, en.statusHeading),
		typ: both(zh.typ, en.typ), status: both(zh.status, en.status), since: both(zh.since, en.since),
		statusUnit:    both(zh.statusUnit, en.statusUnit),
		consecutive:   func(n int) string { return zh.consecutive(n) + "\n" + en.consecutive(n) },
		monthsHeading: func(n int) string { return zh.monthsHeading(n) + " " + en.monthsHeading(n) },
		month:         both(zh.month, en.month), pBase: stacked(zh.pBase, en.pBase), pPers: stacked(zh.pPers, en.pPers),
		mBase: stacked(zh.mBase, en.mBase), mPers: stacked(zh.mPers, en.mPers),
		uBase: stacked(zh.uBase, en.uBase), uPers: stacked(zh.uPers, en.uPers),
		payStatus: stacked(zh.payStatus, en.payStatus), payUnit: stacked(zh.payUnit, en.payUnit),
	}
}

// both joins a Chinese and an English label on one line.
func both(zh, en string) string { return zh + " " + en }

// stacked puts an English table header under the Chinese one. The
// Chinese keeps its own line break: joined, a six-character header is
// cut wherever the narrow column ends, leaving one character alone on a
// line ("养老个人缴" / "费"). The English words wrap as the column allows.
func stacked(zh, en string) string {
	return zh + "\n" + strings.ReplaceAll(en, "\n", " ")
}

// CertificateTitle is the certificate's printed title and /Title.
const CertificateTitle = "社会保险个人参保证明"

// yuan formats an amount in fen as yuan with two decimals.
func yuan(fen int64) string {
	var buf [24]byte
	return string(appendYuan(buf[:0], fen))
}

// appendYuan appends yuan(fen).
func appendYuan(b []byte, fen int64) []byte {
	u := uint64(fen)
	if fen < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/100, 10)
	return append(b, '.', byte('0'+u%100/10), byte('0'+u%10))
}

// Document returns the certificate as a generic document.
func (c *InsuranceCertificate) Document() (*Document, error) {
	switch {
	case c.Name == "" || c.PersonID == "":
		return nil, fmt.Errorf("%w: name and social security number are required", ErrInvalidInput)
	case c.ValidUntil.IsZero():
		return nil, fmt.Errorf("%w: validity is required", ErrInvalidInput)
	case len(c.Months) > maxRows || len(c.Statuses) > maxRows:
		return nil, fmt.Errorf("%w: more than %d rows in a table", ErrInvalidInput, maxRows)
	}
	lang := c.Lang
	if lang == "" {
		lang = "zh"
	}
	w, ok := certificateLangs[lang]
	if !ok {
		return nil, fmt.Errorf("%w: language %q (want zh, en or zh,en)", ErrInvalidInput, c.Lang)
	}
	status := &Table{Heading: w.statusHeading, Columns: []Column{
		{Title: w.typ, Width: 120}, {Title: w.status, Width: 70, Align: Center},
		{Title: w.since, Width: 80, Align: Center}, {Title: w.statusUnit, Width: 212},
	}}
	for _, s := range c.Statuses {
		status.Rows = append(status.Rows, []string{s.TypeName, s.Status, s.Since, s.UnitName})
	}
	months := &Table{Dense: true, Heading: w.monthsHeading(len(c.Months)),
		Columns: []Column{
			{Title: w.month, Width: 44, Align: Center},
			{Title: w.pBase, Width: 52, Align: Right}, {Title: w.pPers, Width: 45, Align: Right},
			{Title: w.mBase, Width: 52, Align: Right}, {Title: w.mPers, Width: 45, Align: Right},
			{Title: w.uBase, Width: 52, Align: Right}, {Title: w.uPers, Width: 45, Align: Right},
			{Title: w.payStatus, Width: 42, Align: Center}, {Title: w.payUnit, Width: 105},
		}}
	// One backing array for the rows' cells and one string for all their
	// amounts: a 24-month table in a few allocations, not two hundred.
	const amountCols = 6
	var buf []byte
	ends := make([]int, 0, amountCols*len(c.Months))
	for _, m := range c.Months {
		for _, v := range [amountCols]int64{m.PensionBase, m.PensionPersonal, m.MedicalBase, m.MedicalPersonal,
			m.UnemploymentBase, m.UnemploymentPersonal} {
			buf = appendYuan(buf, v)
			ends = append(ends, len(buf))
		}
	}
	amounts, start := string(buf), 0
	ncol := len(months.Columns)
	cells := make([]string, ncol*len(c.Months))
	months.Rows = make([][]string, len(c.Months))
	for i, m := range c.Months {
		row := cells[i*ncol : (i+1)*ncol : (i+1)*ncol]
		row[0] = m.Month
		for k, end := range ends[i*amountCols : (i+1)*amountCols] {
			row[1+k], start = amounts[start:end], end
		}
		row[1+amountCols], row[2+amountCols] = m.Status, m.UnitName
		months.Rows[i] = row
	}
	// A table without rows is left out, not printed empty.
	blocks := []Block{&Fields{Pairs: [][2]string{{w.name, c.Name}, {w.sex, c.Sex}, {w.id, c.PersonID}, {w.unit, c.UnitName}}}}
	if len(status.Rows) > 0 {
		blocks = append(blocks, status)
	}
	blocks = append(blocks, &Paragraph{Text: w.consecutive(c.ConsecutiveMonths)})
	if len(months.Rows) > 0 {
		blocks = append(blocks, months)
	}
	return &Document{
		Title: w.title, Subtitle: w.subtitle, Lang: c.Lang, Agency: c.Agency, Region: c.Region,
		Number: c.Number, Code: c.Code, CodeGrouped: c.CodeGrouped,
		VerifyURL: c.VerifyURL, QRText: c.QRText, PrintedAt: c.PrintedAt, ValidUntil: c.ValidUntil,
		Blocks: blocks,
		Notes:  c.Notes,
		Seal:   c.Seal,
	}, nil
}

// InsuranceCertificate renders the person insurance certificate with its
// signature fields. The first signature's field shows the seal over the
// agency's name at the end of the document.
func (r *Renderer) InsuranceCertificate(c *InsuranceCertificate, o Options) (*pades.Prepared, error) {
	d, err := c.Document()
	if err != nil {
		return nil, err
	}
	return r.Document(d, o)
}
