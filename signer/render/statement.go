package render

import (
	"fmt"
	"strconv"
	"time"

	"sihub/signer/pades"
)

// StatementYear is one row of the yearly personal pension account table.
// Amounts are in fen, rates in basis points.
type StatementYear struct {
	Year                   int
	First, Last            string // YYYY-MM; empty when nothing was paid that year
	Months                 int
	AverageBase            int64
	EmployerBP, PersonalBP int64
	AccountBP              int64
	RateBP                 int64 // credited interest rate
	Credited, CreditedPers int64
	Interest, InterestPers int64
	Balance, BalancePers   int64
}

// StatementMonth is one month of the statement's detail tables. Amounts
// are in fen.
type StatementMonth struct {
	Month                    string // YYYY-MM
	Base, Employer, Personal int64
	ToAccount                int64
	Status, UnitName         string
}

// StatementInsurance sums one insurance type over the statement's year.
type StatementInsurance struct {
	TypeName, Status   string
	Months             int
	Employer, Personal int64
}

// RightsStatement is the yearly personal rights statement (个人权益记录单):
// the person, the year's contributions per insurance type, the personal
// pension account year by year, the year's months and the pension months
// of the whole history.
type RightsStatement struct {
	Agency, Region                string
	Number, Code, CodeGrouped     string
	VerifyURL, QRText             string
	PrintedAt, ValidUntil         time.Time
	Name, Sex, PersonID, UnitName string
	Year                          int
	FirstMonth                    string // first paid pension month
	PaidMonths                    int    // paid pension months up to the year's end
	Insurances                    []StatementInsurance
	Years                         []StatementYear
	Months                        []StatementMonth // the year's months
	History                       []StatementMonth // every pension month, oldest first
	Notes                         []string
	Seal                          SealImage
	Lang                          string
}

// StatementTitle is the statement's printed title.
const StatementTitle = "社会保险个人权益记录单"

type statementWords struct {
	title                                                      string
	name, sex, id, unit, year, first, paid, balance            string
	insHeading, insType, insStatus, insMonths, insEmp, insPers string
	accHeading                                                 string
	yYear, yPeriod, yMonths, yBase, yEmp, yPers, yAcc          string
	yCredited, yCreditedPers, yInterest, yInterestPers, yRate  string
	yBalance, yBalancePers                                     string
	monthsHeading, historyHeading                              func(y int) string
	mMonth, mBase, mEmp, mPers, mAcc, mStatus, mUnit           string
	months                                                     func(n int) string
	yuanAmount                                                 func(fen int64) string
}

var statementLangs = map[string]*statementWords{
	"zh": {
		title: StatementTitle, name: "姓名", sex: "性别", id: "社会保障号码", unit: "当前参保单位",
		year: "记录年度", first: "首次缴费年月", paid: "累计缴费月数", balance: "账户年末储存额",
		insHeading: "一、本年度各险种缴费情况（金额单位：元）", insType: "险种", insStatus: "参保状态",
		insMonths: "缴费月数", insEmp: "单位缴费", insPers: "个人缴费",
		accHeading: "二、基本养老保险个人账户（金额单位：元）",
		yYear:      "年度", yPeriod: "起止年月", yMonths: "月数", yBase: "月均\n缴费基数", yEmp: "单位\n比例",
		yPers: "个人\n比例", yAcc: "划入\n比例", yCredited: "当年\n记账金额", yCreditedPers: "其中\n个人",
		yInterest: "当年\n记账利息", yInterestPers: "其中\n个人", yRate: "记账\n利率",
		yBalance: "年末累计\n储存额", yBalancePers: "其中\n个人",
		monthsHeading: func(y int) string {
			return "三、" + strconv.Itoa(y) + "年度逐月缴费明细（基本养老保险，金额单位：元）"
		},
		historyHeading: func(y int) string {
			return "四、历年逐月缴费记录（基本养老保险，截至" + strconv.Itoa(y) + "年，金额单位：元）"
		},
		mMonth: "年月", mBase: "缴费基数", mEmp: "单位缴费", mPers: "个人缴费", mAcc: "划入个人账户",
		mStatus: "缴费状态", mUnit: "缴费单位",
		months:     func(n int) string { return strconv.Itoa(n) + " 个月" },
		yuanAmount: func(fen int64) string { return yuan(fen) + " 元" },
	},
	"en": {
		title: "Personal Social Insurance Rights Statement", name: "Name", sex: "Sex", id: "Social security No.",
		unit: "Current employer", year: "Year", first: "First contribution", paid: "Months paid in total",
		balance:    "Account balance",
		insHeading: "1. Contributions of the year by insurance (yuan)", insType: "Insurance", insStatus: "Status",
		insMonths: "Months paid", insEmp: "Employer", insPers: "Employee",
		accHeading: "2. Basic pension personal account (yuan)",
		yYear:      "Year", yPeriod: "Period", yMonths: "Mths", yBase: "Average\nbase", yEmp: "Empl.\nrate",
		yPers: "Pers.\nrate", yAcc: "To\nacct.", yCredited: "Credited", yCreditedPers: "of which\npersonal",
		yInterest: "Interest", yInterestPers: "of which\npersonal", yRate: "Rate",
		yBalance: "Balance at\nyear end", yBalancePers: "of which\npersonal",
		monthsHeading:  func(y int) string { return "3. Monthly contributions in " + strconv.Itoa(y) + " (basic pension, yuan)" },
		historyHeading: func(y int) string { return "4. Monthly pension contributions up to " + strconv.Itoa(y) + " (yuan)" },
		mMonth:         "Month", mBase: "Base", mEmp: "Employer", mPers: "Employee", mAcc: "To account",
		mStatus: "Status", mUnit: "Employer",
		months:     func(n int) string { return strconv.Itoa(n) + " months" },
		yuanAmount: func(fen int64) string { return yuan(fen) + " yuan" },
	},
}

// percent formats basis points as a percentage ("8%", "8.31%").
func percent(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if f := bp % 100; f != 0 {
		s += "." + string(rune('0'+f/10))
		if f%10 != 0 {
			s += string(rune('0' + f%10))
		}
	}
	return s + "%"
}

// Document returns the statement as a generic document.
func (s *RightsStatement) Document() (*Document, error) {
	switch {
	case s.Name == "" || s.PersonID == "":
		return nil, fmt.Errorf("%w: name and social security number are required", ErrInvalidInput)
	case s.Year <= 0:
		return nil, fmt.Errorf("%w: the statement's year is required", ErrInvalidInput)
	case len(s.Years) > maxRows || len(s.Months) > maxRows || len(s.History) > maxRows || len(s.Insurances) > maxRows:
		return nil, fmt.Errorf("%w: more than %d rows in a table", ErrInvalidInput, maxRows)
	}
	lang := s.Lang
	if lang == "" {
		lang = "zh"
	}
	w, ok := statementLangs[lang]
	if !ok {
		return nil, fmt.Errorf("%w: language %q (want zh or en)", ErrInvalidInput, s.Lang)
	}
	var balance int64
	if n := len(s.Years); n > 0 {
		balance = s.Years[n-1].Balance
	}
	blocks := []Block{&Fields{Pairs: [][2]string{
		{w.name, s.Name}, {w.sex, s.Sex}, {w.id, s.PersonID}, {w.year, strconv.Itoa(s.Year)},
		{w.unit, s.UnitName}, {w.first, s.FirstMonth}, {w.paid, w.months(s.PaidMonths)}, {w.balance, w.yuanAmount(balance)},
	}}}
	if len(s.Insurances) > 0 {
		t := &Table{Heading: w.insHeading, Columns: []Column{
			{Title: w.insType, Width: 140}, {Title: w.insStatus, Width: 70, Align: Center},
			{Title: w.insMonths, Width: 60, Align: Center}, {Title: w.insEmp, Width: 80, Align: Right},
			{Title: w.insPers, Width: 80, Align: Right},
		}}
		for _, in := range s.Insurances {
			t.Rows = append(t.Rows, []string{in.TypeName, in.Status, strconv.Itoa(in.Months), yuan(in.Employer), yuan(in.Personal)})
		}
		blocks = append(blocks, t)
	}
	if len(s.Years) > 0 {
		t := &Table{Dense: true, Heading: w.accHeading, Columns: []Column{
			{Title: w.yYear, Width: 24, Align: Center}, {Title: w.yPeriod, Width: 64, Align: Center},
			{Title: w.yMonths, Width: 20, Align: Center}, {Title: w.yBase, Width: 40, Align: Right},
			{Title: w.yEmp, Width: 22, Align: Center}, {Title: w.yPers, Width: 22, Align: Center},
			{Title: w.yAcc, Width: 22, Align: Center}, {Title: w.yCredited, Width: 42, Align: Right},
			{Title: w.yCreditedPers, Width: 42, Align: Right}, {Title: w.yRate, Width: 28, Align: Center},
			{Title: w.yInterest, Width: 40, Align: Right}, {Title: w.yInterestPers, Width: 40, Align: Right},
			{Title: w.yBalance, Width: 46, Align: Right}, {Title: w.yBalancePers, Width: 46, Align: Right},
		}}
		cells := make([]string, 0, 14*len(s.Years))
		for _, y := range s.Years {
			period, base, emp, pers, acc := "—", "—", "—", "—", "—"
			if y.Months > 0 {
				period = compactMonth(y.First) + "-" + compactMonth(y.Last)
				base, emp, pers, acc = yuan(y.AverageBase), percent(y.EmployerBP), percent(y.PersonalBP), percent(y.AccountBP)
			}
			at := len(cells)
			cells = append(cells, strconv.Itoa(y.Year), period, strconv.Itoa(y.Months), base, emp, pers, acc,
				yuan(y.Credited), yuan(y.CreditedPers), percent(y.RateBP), yuan(y.Interest), yuan(y.InterestPers),
				yuan(y.Balance), yuan(y.BalancePers))
			t.Rows = append(t.Rows, cells[at:len(cells):len(cells)])
		}
		blocks = append(blocks, t)
	}
	monthTable := func(heading string, ms []StatementMonth) *Table {
		t := &Table{Dense: true, Heading: heading, Columns: []Column{
			{Title: w.mMonth, Width: 44, Align: Center}, {Title: w.mBase, Width: 56, Align: Right},
			{Title: w.mEmp, Width: 56, Align: Right}, {Title: w.mPers, Width: 56, Align: Right},
			{Title: w.mAcc, Width: 56, Align: Right}, {Title: w.mStatus, Width: 42, Align: Center},
			{Title: w.mUnit, Width: 150},
		}}
		t.Rows = make([][]string, 0, len(ms))
		cells := make([]string, 0, 7*len(ms))
		for _, m := range ms {
			at := len(cells)
			cells = append(cells, m.Month, yuan(m.Base), yuan(m.Employer), yuan(m.Personal), yuan(m.ToAccount), m.Status, m.UnitName)
			t.Rows = append(t.Rows, cells[at:len(cells):len(cells)])
		}
		return t
	}
	if len(s.Months) > 0 {
		blocks = append(blocks, monthTable(w.monthsHeading(s.Year), s.Months))
	}
	if len(s.History) > 0 {
		blocks = append(blocks, monthTable(w.historyHeading(s.Year), s.History))
	}
	return &Document{
		Title: w.title, Lang: s.Lang, Agency: s.Agency, Region: s.Region,
		Number: s.Number, Code: s.Code, CodeGrouped: s.CodeGrouped,
		VerifyURL: s.VerifyURL, QRText: s.QRText, PrintedAt: s.PrintedAt, ValidUntil: s.ValidUntil,
		Blocks: blocks, Notes: s.Notes, Seal: s.Seal,
	}, nil
}

// RightsStatement renders the yearly statement with its signature fields.
func (r *Renderer) RightsStatement(s *RightsStatement, o Options) (*pades.Prepared, error) {
	d, err := s.Document()
	if err != nil {
		return nil, err
	}
	return r.Document(d, o)
}

// compactMonth writes "2013-07" as "201307", the usual form in a period.
func compactMonth(m string) string {
	if len(m) == 7 && m[4] == '-' {
		return m[:4] + m[5:]
	}
	return m
}
