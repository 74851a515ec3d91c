package verifier

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms"
	"sihub/signer/pades"
)

// This file holds a minimal one-page PDF writer for tests: a base revision
// with a signature field and a placeholder laid out by pades.SigDict, an
// optional spare signature field, and incremental updates.

// testDoc describes a document to build.
type testDoc struct {
	code, number string // written to /Info as /SihubCode and /SihubNumber ("" to omit)
	spare        bool   // add an unsigned spare signature field (object 8)
	noField      bool   // no signature field and no signature dictionary
	orphan       bool   // add a signature dictionary no field refers to (object 8 or 9)
	docMDP       int    // make the signature a certification with this /P (0: approval)
}

// certify turns a signature dictionary from pades.SigDict into a
// certification signature with DocMDP level p, moving the placeholder.
func certify(dict []byte, rel pades.Placeholder, p int) ([]byte, pades.Placeholder) {
	if p == 0 {
		return dict, rel
	}
	ref := fmt.Sprintf("<< /Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P %d /V /1.2 >> >>]", p)
	out := append([]byte(ref), dict[2:]...)
	return out, rel.Shift(len(ref) - 2)
}

// pdfWriter accumulates objects and remembers their offsets.
type pdfWriter struct {
	buf     bytes.Buffer
	offsets map[int]int
}

func (w *pdfWriter) obj(num int, body string) int {
	w.offsets[num] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\nendobj\n", num, body)
	return w.offsets[num]
}

// xref writes a classic cross-reference table for nums, the trailer and
// the end of the revision. prev < 0 means no /Prev.
func (w *pdfWriter) xref(nums []int, size int, extra string, prev int) int {
	start := w.buf.Len()
	w.buf.WriteString("xref\n")
	if prev < 0 {
		fmt.Fprintf(&w.buf, "0 1\n0000000000 65535 f \n")
	}
	for _, n := range nums {
		fmt.Fprintf(&w.buf, "%d 1\n%010d 00000 n \n", n, w.offsets[n])
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]%s", size, extra)
	if prev >= 0 {
		fmt.Fprintf(&w.buf, " /Prev %d", prev)
	}
	fmt.Fprintf(&w.buf, " >>\nstartxref\n%d\n%%%%EOF\n", start)
	return start
}

// placed is an unsigned PDF with the absolute position of its placeholder.
type placed struct {
	pdf  []byte
	ph   pades.Placeholder
	xref int // offset of the last cross-reference section
}

// buildUnsigned writes the base revision.
func buildUnsigned(t testing.TB, doc testDoc, signedAt time.Time) placed {
	t.Helper()
	w := &pdfWriter{offsets: map[int]int{}}
	w.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	fields, annots := "[5 0 R]", "[5 0 R]"
	if doc.spare {
		fields, annots = "[5 0 R 8 0 R]", "[5 0 R 8 0 R]"
	}
	if doc.noField {
		w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
		annots = "[]"
	} else {
		perms := ""
		if doc.docMDP > 0 {
			perms = " /Perms << /DocMDP 6 0 R >>"
		}
		w.obj(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields "+fields+" /SigFlags 3 >>"+perms+" >>")
	}
	w.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	w.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots "+annots+" >>")
	content := "BT /F1 12 Tf 72 770 Td (Insurance certificate) Tj ET"
	w.obj(4, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	var ph pades.Placeholder
	nums := []int{1, 2, 3, 4}
	if !doc.noField {
		w.obj(5, "<< /FT /Sig /T (Seal1) /V 6 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>")
		dict, rel := pades.SigDict(pades.SigInfo{Name: "业务专用章", Reason: "参保证明", Time: signedAt}, 0)
		dict, rel = certify(dict, rel, doc.docMDP)
		off := w.obj(6, string(dict))
		ph = rel.Shift(off + len("6 0 obj\n"))
		nums = append(nums, 5, 6)
	}
	info := "<< /Producer (sihub)"
	if doc.code != "" {
		info += " /SihubCode (" + doc.code + ")"
	}
	if doc.number != "" {
		info += " /SihubNumber (" + doc.number + ")"
	}
	w.obj(7, info+" >>")
	nums = append(nums, 7)
	size := 8
	if doc.spare {
		w.obj(8, "<< /FT /Sig /T (Seal2) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>")
		nums = append(nums, 8)
		size = 9
	}
	if doc.orphan {
		dict, _ := pades.SigDict(pades.SigInfo{Name: "hidden"}, 64)
		dict = bytes.Replace(dict, []byte("<000000"), []byte("<308201"), 1)
		w.obj(size, string(dict))
		nums = append(nums, size)
		size++
	}
	x := w.buf.Len()
	w.buf.WriteString("xref\n0 " + strconv.Itoa(size) + "\n0000000000 65535 f \n")
	for n := 1; n < size; n++ {
		if off, ok := w.offsets[n]; ok {
			fmt.Fprintf(&w.buf, "%010d 00000 n \n", off)
		} else {
			w.buf.WriteString("0000000000 65535 f \n")
		}
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] >>\nstartxref\n%d\n%%%%EOF\n", size, x)
	return placed{pdf: w.buf.Bytes(), ph: ph, xref: x}
}

// signer is a key with its certificate and chain.
type signer struct {
	key   crypto.Signer
	cert  *smx509.Certificate
	chain []*smx509.Certificate
}

// fill writes the byte range and a CMS signature into the placeholder,
// covering the whole file.
func fill(t testing.TB, p placed, s signer, signingTime time.Time) []byte {
	t.Helper()
	pdf := append([]byte(nil), p.pdf...)
	gapStart := p.ph.Contents
	gapEnd := p.ph.Contents + p.ph.ContentsLen
	br := fmt.Sprintf("[0 %d %d %d]", gapStart, gapEnd, len(pdf)-gapEnd)
	if len(br) > p.ph.ByteRangeLen {
		t.Fatalf("byte range %s too long", br)
	}
	br = br[:len(br)-1] + string(bytes.Repeat([]byte(" "), p.ph.ByteRangeLen-len(br))) + "]"
	copy(pdf[p.ph.ByteRange:], br)
	d, err := cms.DigestFor(s.key.Public())
	if err != nil {
		t.Fatal(err)
	}
	h := d.New()
	h.Write(pdf[:gapStart])
	h.Write(pdf[gapEnd:])
	der, err := cms.SignDetached(h.Sum(nil), cms.SignOptions{Signer: s.key, Certificate: s.cert, Chain: s.chain, SigningTime: signingTime})
	if err != nil {
		t.Fatal(err)
	}
	hx := hex.EncodeToString(der)
	if len(hx)+2 > p.ph.ContentsLen {
		t.Fatalf("CMS of %d bytes does not fit", len(der))
	}
	copy(pdf[gapStart+1:], hx)
	return pdf
}

// addSignatureRevision appends an incremental update that signs spare
// field 8 with a new signature dictionary (object 9), plus any extra
// objects (number → body), and returns the unsigned result with its
// placeholder.
func addSignatureRevision(t testing.TB, signed []byte, prevXref int, signedAt time.Time, extra map[int]string) placed {
	t.Helper()
	return addSignatureRevisionAt(t, signed, prevXref, signedAt, extra, 9)
}

// addSignatureRevisionAt is addSignatureRevision with the new signature
// dictionary stored as object sigNum.
func addSignatureRevisionAt(t testing.TB, signed []byte, prevXref int, signedAt time.Time, extra map[int]string, sigNum int) placed {
	t.Helper()
	return addSignatureRevisionCert(t, signed, prevXref, signedAt, extra, sigNum, 0)
}

// addSignatureRevisionCert is addSignatureRevisionAt with the new
// signature a certification of level docMDP (0: approval).
func addSignatureRevisionCert(t testing.TB, signed []byte, prevXref int, signedAt time.Time, extra map[int]string, sigNum, docMDP int) placed {
	t.Helper()
	w := &pdfWriter{offsets: map[int]int{}}
	w.buf.Write(signed)
	nums := []int{}
	keys := make([]int, 0, len(extra))
	for n := range extra {
		keys = append(keys, n)
	}
	sort.Ints(keys)
	for _, n := range keys {
		if n != sigNum {
			w.obj(n, extra[n])
			nums = append(nums, n)
		}
	}
	if _, ok := extra[8]; !ok {
		w.obj(8, fmt.Sprintf("<< /FT /Sig /T (Seal2) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R /V %d 0 R >>", sigNum))
		nums = append(nums, 8)
	}
	dict, rel := pades.SigDict(pades.SigInfo{Name: "seal 2", Time: signedAt}, 0)
	dict, rel = certify(dict, rel, docMDP)
	off := w.obj(sigNum, string(dict))
	if sigNum != 8 {
		nums = append(nums, sigNum)
	}
	sort.Ints(nums)
	x := w.xref(nums, 10, "", prevXref)
	return placed{pdf: w.buf.Bytes(), ph: rel.Shift(off + len(fmt.Sprintf("%d 0 obj\n", sigNum))), xref: x}
}

// addRevision appends an incremental update that rewrites object num with
// body.
func addRevision(signed []byte, prevXref int, num int, body string) []byte {
	w := &pdfWriter{offsets: map[int]int{}}
	w.buf.Write(signed)
	w.obj(num, body)
	size := 8
	if num >= size {
		size = num + 1
	}
	w.xref([]int{num}, size, "", prevXref)
	return w.buf.Bytes()
}
