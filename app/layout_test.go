package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sihub/internal/testutil"
	"sihub/model"
	"sihub/signer"
	"sihub/signer/render"
)

// The house layout's printable area, in points from the page's top-left
// corner as pdftotext -bbox reports them: 20 mm side margins, 48 pt at
// the top, the page footer's baseline 28 pt above the bottom edge.
const (
	printLeft   = 56.69
	printRight  = render.PageWidth - 56.69
	printTop    = 48
	printBottom = render.PageHeight - 28 + 4 // the footer's descenders
)

// A 40-character unit name and a 100-character address, as real records
// hold them.
const (
	longUnitName = "北京示范智能科技集团有限公司朝阳区望京街道第一分公司第三事业部软件研发中心测试组"
	longAddress  = "北京市朝阳区望京街道望京东路十六号院望京科技创业园区A座二十一层二一零八室至二一一二室（近地铁十四号线望京南站C出口，阜通东大街与望京东路交叉口东北角，步行约三百米即到，请从北门进入后乘坐高区电梯）"
)

var bboxWord = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)

// pagesOutside returns, for every page, the words pdftotext -bbox finds
// outside the printable area, and all the words read in order.
func pagesOutside(t *testing.T, pdf []byte) (outside []string, text string) {
	t.Helper()
	file := testutil.WriteFile(t, t.TempDir(), "doc.pdf", pdf)
	out, err := testutil.Run(t, "pdftotext", "-bbox", file, "-")
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v\n%s", err, out)
	}
	var all strings.Builder
	page := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "<page ") {
			page++
		}
		m := bboxWord.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var v [4]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(m[i+1], 64)
		}
		all.WriteString(m[5])
		if v[0] < printLeft-1 || v[2] > printRight+1 || v[1] < printTop-1 || v[3] > printBottom {
			outside = append(outside, fmt.Sprintf("page %d: %q at x %.1f–%.1f, y %.1f–%.1f", page, m[5], v[0], v[2], v[1], v[3]))
		}
	}
	if page == 0 {
		t.Fatal("pdftotext -bbox found no page")
	}
	return outside, all.String()
}

// TestLongNamesStayOnThePage gives the demo person a 100-character
// address and the demo unit a 40-character name, issues the kinds that
// print them in every language they are written in, and checks every
// word lies in the printable area and the long values read back whole.
func TestLongNamesStayOnThePage(t *testing.T) {
	testutil.NeedTool(t, "pdftotext")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = func() time.Time { return now } })
	defer a.Close()
	ctx := context.Background()
	p, err := a.Store.Person(ctx, DemoPersonID)
	if err != nil {
		t.Fatal(err)
	}
	p.Address = longAddress
	u, err := a.Store.Unit(ctx, DemoUnitCode)
	if err != nil {
		t.Fatal(err)
	}
	u.Name, u.Address = longUnitName, longAddress
	if err := a.Store.PutPerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.PutUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		req  signer.IssueRequest
		want []string
	}{
		{signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID}, []string{longUnitName}},
		{signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Lang: "zh,en"}, []string{longUnitName}},
		{signer.IssueRequest{Kind: signer.KindUnitInsuranceCertificate, Subject: DemoUnitCode}, []string{longUnitName, longAddress}},
		{signer.IssueRequest{Kind: signer.KindTransferVoucher, Subject: DemoPersonID}, []string{longUnitName, longAddress}},
		{signer.IssueRequest{Kind: signer.KindTransferVoucher, Subject: DemoPersonID, Lang: "en"}, []string{longUnitName, longAddress}},
		{signer.IssueRequest{Kind: signer.KindRightsRecord, Subject: DemoPersonID, Year: 2025}, []string{longUnitName}},
		{signer.IssueRequest{Kind: signer.KindOverseasExemption, Subject: DemoPersonID, Country: "DE", PostedFrom: "2027-01-01", Lang: "zh,en"}, []string{longUnitName}},
	} {
		t.Run(tc.req.Kind+"/"+tc.req.Lang, func(t *testing.T) {
			iss, err := a.Issuer.Issue(ctx, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			outside, text := pagesOutside(t, iss.PDF)
			for _, o := range outside {
				t.Error(o)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("text does not read back %q whole", w)
				}
			}
		})
	}
}

// TestRareCharactersAreRejected stores names with characters the
// embedded font lacks (䶮 U+4DAE, 𪚥 U+2A6A5): issuing refuses with an
// error naming the character and its code point, and stores nothing.
func TestRareCharactersAreRejected(t *testing.T) {
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	ctx := context.Background()
	p, err := a.Store.Person(ctx, DemoPersonID)
	if err != nil {
		t.Fatal(err)
	}
	p.Name = "刘䶮"
	u, err := a.Store.Unit(ctx, DemoUnitCode)
	if err != nil {
		t.Fatal(err)
	}
	u.Name = "𪚥记餐饮管理有限公司"
	if err := a.Store.PutPerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.PutUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		req  signer.IssueRequest
		char string
		code string
	}{
		{signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID}, "䶮", "U+4DAE"},
		{signer.IssueRequest{Kind: signer.KindTransferVoucher, Subject: DemoPersonID, Lang: "en"}, "䶮", "U+4DAE"},
		{signer.IssueRequest{Kind: signer.KindUnitInsuranceCertificate, Subject: DemoUnitCode}, "𪚥", "U+2A6A5"},
	} {
		_, err := a.Issuer.Issue(ctx, tc.req)
		if !errors.Is(err, render.ErrMissingGlyph) {
			t.Errorf("%s: err = %v, want ErrMissingGlyph", tc.req.Kind, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tc.char) || !strings.Contains(msg, tc.code) {
			t.Errorf("%s: %q does not name %s (%s)", tc.req.Kind, msg, tc.char, tc.code)
		}
	}
	for _, s := range []string{DemoPersonID, DemoUnitCode} {
		docs, err := a.Store.DocumentsBySubject(ctx, s)
		if err != nil || len(docs) != 0 {
			t.Errorf("refused documents of %s stored: %d %v", s, len(docs), err)
		}
	}
}

// TestIssuedTablesFlowAcrossPages issues the multi-page kinds: every page
// says "第 N 页，共 M 页", every continuation page carries the running
// head and repeats the header of the table it continues, and no row is
// lost or doubled at a page break.
func TestIssuedTablesFlowAcrossPages(t *testing.T) {
	testutil.NeedTool(t, "pdftotext")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = func() time.Time { return now } })
	defer a.Close()
	ctx := context.Background()
	for _, tc := range []struct {
		req      signer.IssueRequest
		title    string
		header   string // a column title of the table that flows
		row      string // a word each row of that table has once
		rows     int    // rows of the record data the tables show
		minPages int
	}{
		// The statement lists the year's paid pension months, then every
		// paid pension month up to the year's end.
		{signer.IssueRequest{Kind: signer.KindRightsRecord, Subject: DemoPersonID, Year: 2025}, "社会保险个人权益记录单", "划入个人账户", "已缴费",
			paidPensionMonths(t, a, "2025-01", "2025-12") + paidPensionMonths(t, a, "1900-01", "2025-12"), 3},
		// The benefit details list one row per payment.
		{signer.IssueRequest{Kind: signer.KindBenefitDetails, Subject: DemoRetireeID, Year: 2025}, "社会保险待遇享受明细", "待遇项目", "企业职工基本养老保险",
			benefitPayments(t, a, "2025-01", "2025-12"), 2},
	} {
		t.Run(tc.req.Kind, func(t *testing.T) {
			iss, err := a.Issuer.Issue(ctx, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			file := testutil.WriteFile(t, t.TempDir(), "doc.pdf", iss.PDF)
			out, err := testutil.Run(t, "pdftotext", "-layout", file, "-")
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			pages := strings.Split(strings.TrimRight(out, "\f"), "\f")
			n := len(pages)
			if n < tc.minPages {
				t.Fatalf("%d pages, want at least %d", n, tc.minPages)
			}
			rows := 0
			for i, pg := range pages {
				if want := fmt.Sprintf("第 %d 页，共 %d 页", i+1, n); !strings.Contains(pg, want) {
					t.Errorf("page %d lacks %q", i+1, want)
				}
				if i > 0 {
					if !strings.Contains(pg, tc.title+"（续）") || !strings.Contains(pg, iss.Document.Number) {
						t.Errorf("page %d lacks the running head", i+1)
					}
					if hdr, row := strings.Index(pg, tc.header), strings.Index(pg, tc.row); row >= 0 && (hdr < 0 || hdr > row) {
						t.Errorf("page %d continues the table without its header", i+1)
					}
				}
				rows += strings.Count(pg, tc.row)
			}
			if rows != tc.rows {
				t.Errorf("%d rows with %q across the pages, want %d", rows, tc.row, tc.rows)
			}
		})
	}
}

// paidPensionMonths counts the demo person's paid pension months in
// [from, to] in the store.
func paidPensionMonths(t *testing.T, a *App, from, to string) int {
	t.Helper()
	cs, err := a.Store.ContributionsOfType(context.Background(), DemoPersonID, model.InsPensionEnterprise, from, to)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cs {
		if c.Paid {
			n++
		}
	}
	return n
}

// benefitPayments counts the demo retiree's payments in [from, to].
func benefitPayments(t *testing.T, a *App, from, to string) int {
	t.Helper()
	ps, err := a.Store.BenefitPayments(context.Background(), DemoRetireeID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	return len(ps)
}
