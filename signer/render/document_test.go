package render

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestGenericDocument renders a receipt-like document through the generic
// API: an odd number of fields, a paragraph, a plain table, no validity.
func TestGenericDocument(t *testing.T) {
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, cst)
	doc := &Document{
		Title: "社会保险业务受理通知单", Agency: "青岛市社会保险事业中心",
		Number: "SL3702-20261128-000007", Code: "ABCDEFGHJK", CodeGrouped: "ABCD-EFGH-JK",
		QRText: "http://127.0.0.1:8080/v/ABCDEFGHJK", PrintedAt: at,
		Blocks: []Block{
			&Fields{Heading: "申请人", Pairs: [][2]string{{"姓名", "王芳"}, {"公民身份号码", "310115198506120042"}, {"受理事项", "养老保险关系转移接续"}}},
			&Paragraph{Heading: "受理意见", Text: "您提交的申请材料齐全，符合法定形式，予以受理。承诺办结时限为15个工作日。"},
			&Table{Heading: "已收材料", Columns: []Column{{Title: "序号", Width: 1, Align: Center}, {Title: "材料名称", Width: 6}, {Title: "份数", Width: 1, Align: Right}},
				Rows: [][]string{{"1", "居民身份证复印件", "1"}, {"2", "基本养老保险参保缴费凭证", "1"}}},
		},
		Seal: SealImage{Agency: "青岛市社会保险事业中心", Name: "业务专用章"},
	}
	p, err := renderer(t).Document(doc, sampleOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	if out := run(t, "qpdf", "--check", writeTemp(t, "d.pdf", p.PDF)); !strings.Contains(string(out), "No syntax or stream encoding errors") {
		t.Errorf("qpdf: %s", out)
	}
	text := spaces.ReplaceAllString(pdftext(t, p.PDF, 0, 0), " ")
	for _, s := range []string{doc.Title, "申请人", "王芳", "公民身份号码", "310115198506120042", "受理事项", "养老保险关系转移接续",
		"受理意见", "予以受理", "已收材料", "材料名称", "基本养老保险参保缴费凭证", "校验码：ABCD-EFGH-JK", "第 1 页，共 1 页"} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q", s)
		}
	}
	if strings.Contains(text, "有效期至") || strings.Contains(text, "参保地") {
		t.Error("validity or region printed though not given")
	}

	bad := *doc
	bad.Blocks = []Block{&Table{Columns: []Column{{Title: "a"}}, Rows: [][]string{{"1", "2"}}}}
	if _, err := renderer(t).Document(&bad, sampleOptions(1)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("ragged table: %v", err)
	}
	bad.Blocks = []Block{nil}
	if _, err := renderer(t).Document(&bad, sampleOptions(1)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("nil block: %v", err)
	}
}

func TestEnglishCertificate(t *testing.T) {
	c := sampleCertificate(24)
	c.Lang = "en"
	c.Name, c.Sex, c.Agency = "ZHANG Wei", "Male", "Qingdao Social Insurance Center"
	c.Seal.Agency = "青岛市社会保险事业中心"
	c.Notes = []string{"This certificate shows contributions in this region only."}
	p := render(t, c, 1)
	text := spaces.ReplaceAllString(pdftext(t, p.PDF, 0, 0), " ")
	for _, s := range []string{"Social Insurance Certificate (Individual)", "Printed: 28 November 2026",
		"Document No.: " + c.Number, "Verification code: " + c.CodeGrouped, "Social security No.", c.PersonID,
		"ZHANG Wei", "1. Insurance status", "Insured since", "Consecutive months with the current employer: 41",
		"2. Contributions in the last 24 months (yuan)", "Pension", "Unempl.", "personal",
		"1. This document is valid until 28 February 2027.", "2. " + c.Notes[0], "Page 1 of 1", c.Agency} {
		if !strings.Contains(text, s) {
			t.Errorf("English certificate lacks %q", s)
		}
	}
	if strings.Contains(text, "打印日期") || strings.Contains(text, "第 1 页") {
		t.Error("Chinese labels in the English certificate")
	}
	c.Lang = "fr"
	if _, err := renderer(t).InsuranceCertificate(c, sampleOptions(1)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("lang fr: %v", err)
	}
}

func TestTheme(t *testing.T) {
	c := sampleCertificate(1)
	base := render(t, c, 1)
	green := renderer(t).WithTheme(Theme{Accent: [3]float64{0, 0.5, 0.25}})
	p, err := green.InsuranceCertificate(c, sampleOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	has := func(pdf []byte, s string) bool {
		out := run(t, "qpdf", "--qdf", "--object-streams=disable", writeTemp(t, "in.pdf", pdf), "-")
		return strings.Contains(string(out), s)
	}
	if !has(p.PDF, "0 0.5 0.25 RG") || has(p.PDF, "0.09 0.34 0.64 RG") {
		t.Error("theme accent not used for the title rule")
	}
	if !has(base.PDF, "0.09 0.34 0.64 RG") {
		t.Error("default accent missing")
	}
}

// TestBilingualDocument renders a document with the bilingual labels and
// stacked field labels: a value too wide for half a row gets a row of its
// own and stays on one line, and the page footer carries both languages.
func TestBilingualDocument(t *testing.T) {
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, cst)
	doc := &Document{
		Title: "境外社会保险免缴证明", Subtitle: "Certificate of Coverage", Lang: "zh,en", Agency: "青岛市社会保险事业中心",
		Number: "JWMJ-2026-00000001", Code: "ABCDEFGHJK", CodeGrouped: "ABCD-EFGH-JK",
		QRText: "http://127.0.0.1:8080/v/ABCDEFGHJK", PrintedAt: at, ValidUntil: at.AddDate(1, 0, 0), VerifyUntil: at.AddDate(2, 0, 0),
		Blocks: []Block{
			&Fields{Pairs: [][2]string{
				{"统一社会信用代码\nUnified social credit code", "91110108MA01ABCD5T"},
				{"社会保障号码\nSocial security No.", "310115198506120042"},
				{"姓名\nName", "王芳"}, {"性别\nSex", "女 Female"},
			}},
		},
		Seal: SealImage{Agency: "青岛市社会保险事业中心", Name: "业务专用章"},
	}
	p, err := renderer(t).Document(doc, sampleOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	text := spaces.ReplaceAllString(pdftext(t, p.PDF, 0, 0), " ")
	for _, s := range []string{doc.Title, doc.Subtitle, "91110108MA01ABCD5T", "310115198506120042", "王芳", "女 Female",
		"打印日期：Printed: 2026年11月28日 / 28 November 2026", "第 1 页，共 1 页 / Page 1 of 1", "备注 Notes",
		"本证明有效期至 2027年11月28日。", "This document is valid until", "2028年11月28日 前凭校验码在线核验"} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q", s)
		}
	}
	if _, err := labelsFor("zh,fr"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("labelsFor(zh,fr): %v", err)
	}
}
