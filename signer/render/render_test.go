package render

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sihub/signer/pades"
)

func render(t testing.TB, c *InsuranceCertificate, sigs int) *pades.Prepared {
	t.Helper()
	p, err := renderer(t).InsuranceCertificate(c, sampleOptions(sigs))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestQPDFCheck(t *testing.T) {
	for _, n := range []int{0, 24, 60} {
		p := render(t, sampleCertificate(n), 2)
		out := run(t, "qpdf", "--check", writeTemp(t, "c.pdf", p.PDF))
		if !bytes.Contains(out, []byte("No syntax or stream encoding errors")) {
			t.Errorf("%d months: qpdf --check:\n%s", n, out)
		}
		if text := pdftext(t, p.PDF, 0, 0); (n == 0) != !strings.Contains(text, "缴费明细") {
			t.Errorf("%d months: contribution table presence wrong", n)
		}
	}
}

// pdftext returns the text of the given pages (0 = all) as pdftotext
// -layout extracts it.
func pdftext(t testing.TB, pdf []byte, first, last int) string {
	t.Helper()
	args := []string{"-layout", "-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	return string(run(t, "pdftotext", append(args, writeTemp(t, "t.pdf", pdf), "-")...))
}

var spaces = regexp.MustCompile(`[ \t]+`)

func TestTextExtraction(t *testing.T) {
	c := sampleCertificate(24)
	c.Notes = append(c.Notes, "外国人姓名示例：𐐀𐐨 ABC") // beyond the BMP: surrogate pairs in ToUnicode
	p := render(t, c, 1)
	text := pdftext(t, p.PDF, 0, 0)
	// One space between words is how pdftotext separates runs; compare
	// with runs of spaces collapsed.
	norm := spaces.ReplaceAllString(text, " ")
	want := []string{
		CertificateTitle, "打印日期：2026年11月28日", "证明编号：" + c.Number, "校验码：" + c.CodeGrouped,
		"凭此校验码，全国可上网确认真伪", "验证网址：" + c.VerifyURL, "参保地：" + c.Region,
		"姓名", c.Name, "性别", c.Sex, "社会保障号码", c.PersonID, "当前参保单位", c.UnitName,
		"险种", "参保状态", "参保起始年月", "参保单位", "企业职工基本养老保险", "职工基本医疗保险", "2015-03",
		"在当前参保单位连续缴费月数：41 个月", "近24个月缴费明细（金额单位：元）",
		"年月", "养老", "医疗", "失业", "缴费基数", "个人缴费", "缴费状态", "单位",
		"2024-11", "2026-10", "8123.45", "649.87", "162.46", "40.61", "已实缴",
		"备注", "本证明有效期至 2027年02月28日。", c.Agency, "第 1 页，共 1 页",
	}
	for i, n := range c.Notes {
		want = append(want, strconv.Itoa(i+2)+". "+n)
	}
	for _, s := range want {
		if !strings.Contains(norm, s) {
			t.Errorf("extracted text lacks %q", s)
		}
	}
	if t.Failed() {
		t.Logf("pdftotext:\n%s", text)
	}
}

func TestMissingGlyph(t *testing.T) {
	f, err := DefaultFont()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		set  func(c *InsuranceCertificate)
		r    rune
		code string
	}{
		{func(c *InsuranceCertificate) { c.Name = "李䶮" }, '䶮', "U+4DAE"},
		{func(c *InsuranceCertificate) { c.UnitName = "𪚥记餐饮有限公司" }, '𪚥', "U+2A6A5"},
		{func(c *InsuranceCertificate) { c.Notes = []string{"注：𪚥"} }, '𪚥', "U+2A6A5"},
		{func(c *InsuranceCertificate) { c.Months[3].UnitName = "䶮" }, '䶮', "U+4DAE"},
	} {
		c := sampleCertificate(6)
		tc.set(c)
		_, err := renderer(t).InsuranceCertificate(c, sampleOptions(1))
		var mg *MissingGlyphError
		if !errors.As(err, &mg) || !errors.Is(err, ErrMissingGlyph) {
			t.Fatalf("%c: err = %v, want *MissingGlyphError", tc.r, err)
		}
		if mg.Rune != tc.r || !strings.Contains(err.Error(), tc.code) || !strings.Contains(err.Error(), string(tc.r)) {
			t.Errorf("%c: error %q (rune %U) does not name the character and %s", tc.r, err, mg.Rune, tc.code)
		}
		if f.Check(mg.Text) == nil {
			t.Errorf("Check(%q) = nil", mg.Text)
		}
	}
	if err := f.Check("社会保险个人参保证明 ABC 123"); err != nil {
		t.Errorf("Check on covered text: %v", err)
	}
}

func TestPlaceholderAndFields(t *testing.T) {
	p := render(t, sampleCertificate(24), 3)
	pdf := p.PDF
	ph := p.First
	if pdf[ph.ByteRange] != '[' || pdf[ph.ByteRange+ph.ByteRangeLen-1] != ']' {
		t.Errorf("ByteRange at %d: %q", ph.ByteRange, pdf[ph.ByteRange:ph.ByteRange+ph.ByteRangeLen])
	}
	if !bytes.HasSuffix(pdf[:ph.ByteRange], []byte("/ByteRange ")) {
		t.Errorf("ByteRange offset %d is not after /ByteRange", ph.ByteRange)
	}
	if pdf[ph.Contents] != '<' || pdf[ph.Contents+ph.ContentsLen-1] != '>' ||
		!bytes.HasSuffix(pdf[:ph.Contents], []byte("/Contents ")) {
		t.Errorf("Contents at %d is not the placeholder", ph.Contents)
	}
	if ph.ContentsLen != 2*pades.DefaultContentsLen+2 {
		t.Errorf("ContentsLen %d", ph.ContentsLen)
	}
	if n := bytes.Count(pdf[ph.Contents+1:ph.Contents+ph.ContentsLen-1], []byte("0")); n != ph.ContentsLen-2 {
		t.Errorf("placeholder holds %d zeros of %d", n, ph.ContentsLen-2)
	}

	// The revision: xref offset, trailer size, root and info.
	rev := p.Revision
	if !bytes.HasPrefix(pdf[rev.XrefOffset:], []byte("xref\n")) {
		t.Errorf("XrefOffset %d points at %q", rev.XrefOffset, pdf[rev.XrefOffset:rev.XrefOffset+6])
	}
	trailer := string(pdf[rev.XrefOffset:])
	for _, s := range []string{
		fmt.Sprintf("/Size %d ", rev.Size), fmt.Sprintf("/Root %d 0 R", rev.Root), fmt.Sprintf("/Info %d 0 R", rev.Info),
		fmt.Sprintf("/ID [<%X> <%X>]", rev.ID[0], rev.ID[1]), fmt.Sprintf("startxref\n%d\n%%%%EOF\n", rev.XrefOffset),
	} {
		if !strings.Contains(trailer, s) {
			t.Errorf("trailer lacks %q", s)
		}
	}
	if len(rev.ID[0]) != 16 {
		t.Errorf("ID of %d bytes", len(rev.ID[0]))
	}
	obj := func(n int) string {
		i := bytes.Index(pdf, []byte(fmt.Sprintf("\n%d 0 obj\n", n)))
		if i < 0 {
			t.Fatalf("object %d not found", n)
		}
		j := bytes.Index(pdf[i:], []byte("endobj"))
		return string(pdf[i : i+j])
	}
	if root := obj(rev.Root); !strings.Contains(root, "/AcroForm << /Fields [") || !strings.Contains(root, "/SigFlags 3") {
		t.Errorf("catalog: %s", root)
	}
	info := obj(rev.Info)
	for _, s := range []string{"/SihubCode (K7Q2M9XR4TZ8HW3C5N6P)", "/SihubNumber (SB3702-20261128-000123)", "/Producer (sihub)",
		"/CreationDate (D:20261128103000+08'00')", "/Title " + pades.TextString(CertificateTitle)} {
		if !strings.Contains(info, s) {
			t.Errorf("info lacks %q: %s", s, info)
		}
	}

	// Spare fields: exactly their dictionaries at their objects, no /V.
	if len(p.Spare) != 2 {
		t.Fatalf("%d spare fields, want 2", len(p.Spare))
	}
	for i, sf := range p.Spare {
		want := fmt.Sprintf("%d 0 obj\n%s\nendobj", sf.Object, sf.Dict)
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("spare %d: object %d is not %q", i, sf.Object, sf.Dict)
		}
		for _, s := range []string{"/FT /Sig", fmt.Sprintf("/T (Seal%d)", i+2), "/Subtype /Widget", "/F 132", "/Rect [0 0 0 0]", "/P "} {
			if !bytes.Contains(sf.Dict, []byte(s)) {
				t.Errorf("spare %d lacks %s: %s", i, s, sf.Dict)
			}
		}
		if bytes.Contains(sf.Dict, []byte("/V ")) {
			t.Errorf("spare %d has a value", i)
		}
	}
	// The first field: signature value, visible rect and appearance.
	m := regexp.MustCompile(`/FT /Sig /T \(Seal1\) /F 132 /P (\d+) 0 R /Rect \[([0-9. ]+)\] /AP << /N (\d+) 0 R >> /V (\d+) 0 R`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("first signature field not found")
	}
	sigObj, _ := strconv.Atoi(string(m[4]))
	if sig := obj(sigObj); !strings.Contains(sig, "/Type /Sig") || !strings.Contains(sig, "/ByteRange") {
		t.Errorf("field value is not the signature dictionary: %.80s", sig)
	}
	var rect [4]float64
	fmt.Sscan(string(m[2]), &rect[0], &rect[1], &rect[2], &rect[3])
	if w, h := rect[2]-rect[0], rect[3]-rect[1]; w < 110 || w > 130 || h-w > 0.01 || w-h > 0.01 || rect[0] < 0 || rect[2] > PageWidth || rect[1] < 0 {
		t.Errorf("seal rect %v: want a ~42 mm square on the page", rect)
	}
	pageObj := string(m[1])
	if pg := obj(mustAtoi(pageObj)); !strings.Contains(pg, "/Annots [") {
		t.Errorf("seal page has no /Annots: %s", pg)
	}
	// Every field is in /Annots and in /Fields.
	annots := regexp.MustCompile(`/Annots \[([^\]]*)\]`).FindSubmatch(pdf)
	fields := regexp.MustCompile(`/Fields \[([^\]]*)\]`).FindSubmatch(pdf)
	if annots == nil || fields == nil || string(annots[1]) != string(fields[1]) || strings.Count(string(fields[1]), " 0 R") != 3 {
		t.Errorf("annots %q, fields %q", annots, fields)
	}
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

func TestDeterministicID(t *testing.T) {
	c := sampleCertificate(24)
	a := render(t, c, 1)
	b := render(t, c, 1)
	if !bytes.Equal(a.PDF, b.PDF) {
		t.Error("same input and same randomness gave different files")
	}
	o := sampleOptions(1)
	o.Rand = bytes.NewReader(bytes.Repeat([]byte{7}, 16))
	d, err := renderer(t).InsuranceCertificate(c, o)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Revision.ID[0], d.Revision.ID[0]) {
		t.Error("different randomness gave the same /ID")
	}
	c2 := sampleCertificate(24)
	c2.Name = "王芳"
	e := render(t, c2, 1)
	if bytes.Equal(a.Revision.ID[0], e.Revision.ID[0]) {
		t.Error("different content gave the same /ID")
	}
	o.Rand = bytes.NewReader(nil)
	if _, err := renderer(t).InsuranceCertificate(c, o); err == nil {
		t.Error("exhausted randomness source accepted")
	}
}

func TestInvalidInput(t *testing.T) {
	c := sampleCertificate(1)
	if _, err := renderer(t).InsuranceCertificate(c, Options{}); !errors.Is(err, ErrNoSignature) {
		t.Errorf("no signatures: %v", err)
	}
	for name, set := range map[string]func(c *InsuranceCertificate){
		"no code":    func(c *InsuranceCertificate) { c.Code = "" },
		"no qr":      func(c *InsuranceCertificate) { c.QRText = "" },
		"no name":    func(c *InsuranceCertificate) { c.Name = "" },
		"no date":    func(c *InsuranceCertificate) { c.ValidUntil = time.Time{} },
		"long text":  func(c *InsuranceCertificate) { c.UnitName = strings.Repeat("单位", 1000) },
		"many rows":  func(c *InsuranceCertificate) { c.Months = make([]MonthRow, 601) },
		"qr too big": func(c *InsuranceCertificate) { c.QRText = strings.Repeat("x", 1001) },
	} {
		c := sampleCertificate(1)
		set(c)
		if _, err := renderer(t).InsuranceCertificate(c, sampleOptions(1)); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v, want ErrInvalidInput", name, err)
		}
	}
}

func TestOptionCaps(t *testing.T) {
	c := sampleCertificate(1)
	if _, err := renderer(t).InsuranceCertificate(c, sampleOptions(MaxSignatures+1)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("%d signatures: %v", MaxSignatures+1, err)
	}
	o := sampleOptions(1)
	o.ContentsLen = MaxContentsLen + 1
	if _, err := renderer(t).InsuranceCertificate(c, o); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("huge placeholder: %v", err)
	}
	if _, err := renderer(t).InsuranceCertificate(c, sampleOptions(MaxSignatures)); err != nil {
		t.Errorf("%d signatures: %v", MaxSignatures, err)
	}
}

func TestContentsLen(t *testing.T) {
	o := sampleOptions(1)
	o.ContentsLen = 3000
	p, err := renderer(t).InsuranceCertificate(sampleCertificate(2), o)
	if err != nil {
		t.Fatal(err)
	}
	ph := p.First
	if ph.ContentsLen != 6002 || p.PDF[ph.Contents] != '<' || p.PDF[ph.Contents+ph.ContentsLen-1] != '>' {
		t.Errorf("placeholder %+v for 3000 bytes", ph)
	}
}

// TestConcurrentRendering renders from many goroutines with one Renderer:
// every file must equal the one rendered alone.
func TestConcurrentRendering(t *testing.T) {
	want := map[int][]byte{}
	for _, n := range []int{3, 24, 60} {
		want[n] = render(t, sampleCertificate(n), 2).PDF
	}
	errs := make(chan error, 24)
	for g := 0; g < 24; g++ {
		go func(n int) {
			p, err := renderer(t).InsuranceCertificate(sampleCertificate(n), sampleOptions(2))
			if err == nil && !bytes.Equal(p.PDF, want[n]) {
				err = fmt.Errorf("%d months: concurrent output differs", n)
			}
			errs <- err
		}([]int{3, 24, 60}[g%3])
	}
	for g := 0; g < 24; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
