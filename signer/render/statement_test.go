package render

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// sampleStatement is a statement of years full years with the header of
// the sample certificate.
func sampleStatement(years int, lang string) *RightsStatement {
	c := sampleCertificate(1)
	s := &RightsStatement{Agency: c.Agency, Region: c.Region, Number: c.Number, Code: c.Code, CodeGrouped: c.CodeGrouped,
		VerifyURL: c.VerifyURL, QRText: c.QRText, PrintedAt: c.PrintedAt, ValidUntil: c.ValidUntil,
		Name: c.Name, Sex: c.Sex, PersonID: c.PersonID, UnitName: c.UnitName, Year: 2000 + years - 1,
		FirstMonth: "2000-01", PaidMonths: 12 * years, Lang: lang, Seal: c.Seal,
		Insurances: []StatementInsurance{{TypeName: "企业职工基本养老保险", Status: "参保缴费", Months: 12, Employer: 1_920_000, Personal: 960_000}}}
	var bal int64
	for i := 0; i < years; i++ {
		y := 2000 + i
		bal += 960_000 + bal*3/100
		s.Years = append(s.Years, StatementYear{Year: y, First: fmt.Sprintf("%d-01", y), Last: fmt.Sprintf("%d-12", y), Months: 12,
			AverageBase: 1_000_000, EmployerBP: 1600, PersonalBP: 800, AccountBP: 800, RateBP: 831, Credited: 960_000,
			CreditedPers: 960_000, Interest: bal * 3 / 100, InterestPers: bal * 3 / 100, Balance: bal, BalancePers: bal})
		for m := 1; m <= 12; m++ {
			row := StatementMonth{Month: fmt.Sprintf("%d-%02d", y, m), Base: 1_000_000, Employer: 160_000, Personal: 80_000,
				ToAccount: 80_000, Status: "已缴费", UnitName: c.UnitName}
			s.History = append(s.History, row)
			if i == years-1 {
				s.Months = append(s.Months, row)
			}
		}
	}
	return s
}

func TestStatementFlowsAcrossPages(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		p, err := renderer(t).RightsStatement(sampleStatement(20, lang), sampleOptions(1))
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		txt := pdftext(t, p.PDF, 0, 0)
		pages := strings.Count(strings.TrimRight(txt, "\f"), "\f") + 1
		if pages < 4 {
			t.Errorf("%s: 20 years and 240 months on %d pages", lang, pages)
		}
		want := []string{"2000-01", "2019-12", "200001-200012", "8.31%", "16%"}
		if lang == "zh" {
			want = append(want, StatementTitle, "年末累计", fmt.Sprintf("第 %d 页，共 %d 页", pages, pages), "个人权益记录单（续）")
		} else {
			want = append(want, "Personal Social Insurance Rights Statement", "Balance at", fmt.Sprintf("Page %d of %d", pages, pages))
		}
		for _, w := range want {
			if !strings.Contains(txt, w) {
				t.Errorf("%s: text lacks %q", lang, w)
			}
		}
	}
}

func TestStatementInvalidInput(t *testing.T) {
	for name, set := range map[string]func(s *RightsStatement){
		"no year":   func(s *RightsStatement) { s.Year = 0 },
		"no name":   func(s *RightsStatement) { s.Name = "" },
		"language":  func(s *RightsStatement) { s.Lang = "fr" },
		"many rows": func(s *RightsStatement) { s.History = make([]StatementMonth, maxRows+1) },
	} {
		s := sampleStatement(2, "zh")
		set(s)
		if _, err := renderer(t).RightsStatement(s, sampleOptions(1)); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v, want ErrInvalidInput", name, err)
		}
	}
}

func TestPercentAndCompactMonth(t *testing.T) {
	for bp, want := range map[int64]string{800: "8%", 1600: "16%", 831: "8.31%", 397: "3.97%", 250: "2.5%", 5: "0.05%"} {
		if got := percent(bp); got != want {
			t.Errorf("percent(%d) = %q, want %q", bp, got, want)
		}
	}
	if got := compactMonth("2013-07"); got != "201307" {
		t.Errorf("compactMonth = %q", got)
	}
}

func TestYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 5: "0.05", 99: "0.99", 100: "1.00", 812345: "8123.45", -1: "-0.01", -812345: "-8123.45",
		-9223372036854775808: "-92233720368547758.08"} {
		if got := yuan(fen); got != want {
			t.Errorf("yuan(%d) = %q, want %q", fen, got, want)
		}
	}
}
