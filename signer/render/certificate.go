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
}

// CertificateTitle is the certificate's printed title and /Title.
const CertificateTitle = "社会保险个人参保证明"

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
	status := &Table{Heading: "一、参保状态", Columns: []Column{
		{Title: "险种", Width: 120}, {Title: "参保状态", Width: 70, Align: Center},
		{Title: "参保起始年月", Width: 80, Align: Center}, {Title: "参保单位", Width: 212},
	}}
	for _, s := range c.Statuses {
		status.Rows = append(status.Rows, []string{s.TypeName, s.Status, s.Since, s.UnitName})
	}
	months := &Table{Dense: true, Heading: "二、近" + strconv.Itoa(len(c.Months)) + "个月缴费明细（金额单位：元）",
		Columns: []Column{
			{Title: "年月", Width: 44, Align: Center},
			{Title: "养老\n缴费基数", Width: 52, Align: Right}, {Title: "养老\n个人缴费", Width: 45, Align: Right},
			{Title: "医疗\n缴费基数", Width: 52, Align: Right}, {Title: "医疗\n个人缴费", Width: 45, Align: Right},
			{Title: "失业\n缴费基数", Width: 52, Align: Right}, {Title: "失业\n个人缴费", Width: 45, Align: Right},
			{Title: "缴费状态", Width: 42, Align: Center}, {Title: "单位", Width: 105},
		}}
	for _, m := range c.Months {
		months.Rows = append(months.Rows, []string{m.Month,
			yuan(m.PensionBase), yuan(m.PensionPersonal), yuan(m.MedicalBase), yuan(m.MedicalPersonal),
			yuan(m.UnemploymentBase), yuan(m.UnemploymentPersonal), m.Status, m.UnitName})
	}
	return &Document{
		Title: CertificateTitle, Agency: c.Agency, Region: c.Region,
		Number: c.Number, Code: c.Code, CodeGrouped: c.CodeGrouped,
		VerifyURL: c.VerifyURL, QRText: c.QRText, PrintedAt: c.PrintedAt, ValidUntil: c.ValidUntil,
		Blocks: []Block{
			&Fields{Pairs: [][2]string{{"姓名", c.Name}, {"性别", c.Sex}, {"社会保障号码", c.PersonID}, {"当前参保单位", c.UnitName}}},
			status,
			&Paragraph{Text: "在当前参保单位连续缴费月数：" + strconv.Itoa(c.ConsecutiveMonths) + " 个月"},
			months,
		},
		Notes: c.Notes,
		Seal:  c.Seal,
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
