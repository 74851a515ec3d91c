package pades

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strconv"
	"time"
)

// testPDF builds a minimal valid one-page PDF for sealing: catalog, pages,
// page, a font, a content stream padded with text lines to about
// contentBytes, and an AcroForm with one signature field whose /V is a
// SigDict placeholder plus `spare` empty signature fields. It returns what
// the renderer would hand to Seal.
func testPDF(contentBytes, spare, contentsLen int, info SigInfo) *Prepared {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	const (
		catalog = 1 + iota
		pages
		page
		font
		content
		infoObj
		field1
		sig1
		firstSpare
	)
	size := firstSpare + spare
	offsets := make([]int, size)
	obj := func(n int, body string) {
		offsets[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	var fields bytes.Buffer
	fmt.Fprintf(&fields, "%d 0 R", field1)
	for i := 0; i < spare; i++ {
		fmt.Fprintf(&fields, " %d 0 R", firstSpare+i)
	}
	obj(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /AcroForm << /Fields [%s] /SigFlags 3 >> >>", pages, fields.String()))
	obj(pages, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	obj(page, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R /Annots [%s] >>",
		pages, font, content, fields.String()))
	obj(font, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")

	var cs bytes.Buffer
	cs.WriteString("BT /F1 10 Tf 40 800 Td 12 TL\n")
	for line := 0; cs.Len() < contentBytes; line++ {
		fmt.Fprintf(&cs, "(Insurance certificate test line %05d: contributions paid for every month of the year) '\n", line)
	}
	cs.WriteString("ET")
	offsets[content] = b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", content, cs.Len(), cs.Bytes())
	obj(infoObj, "<< /Producer (sihub test) /Title (test) >>")
	obj(field1, fmt.Sprintf("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Seal1) /F 132 /P %d 0 R /Rect [0 0 0 0] /V %d 0 R >>", page, sig1))

	dict, ph := SigDict(info, contentsLen)
	offsets[sig1] = b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n", sig1)
	ph = ph.Shift(b.Len())
	b.Write(dict)
	b.WriteString("\nendobj\n")

	var sp []SpareField
	for i := 0; i < spare; i++ {
		n := firstSpare + i
		d := fmt.Sprintf("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Seal%d) /F 132 /P %d 0 R /Rect [0 0 0 0] >>", i+2, page)
		obj(n, d)
		sp = append(sp, SpareField{Object: n, Dict: []byte(d)})
	}

	sum := sha256.Sum256(b.Bytes())
	id := sum[:16]
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", size)
	for _, off := range offsets[1:] {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%x> <%x>] >>\nstartxref\n%s\n%%%%EOF\n",
		size, catalog, infoObj, id, id, strconv.Itoa(xref))
	return &Prepared{
		PDF:      b.Bytes(),
		First:    ph,
		Revision: Revision{XrefOffset: int64(xref), Size: size, Root: catalog, Info: infoObj, ID: [2][]byte{id, id}},
		Spare:    sp,
	}
}

// testNow is the fixed clock of these tests.
var testNow = time.Date(2026, 3, 15, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
