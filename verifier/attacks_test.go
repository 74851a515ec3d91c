package verifier

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"sihub/signer/pades"
	"sihub/verifier/pdfstruct"
)

// This file generates the published attack classes against signed PDFs
// (incremental saving, signature wrapping, universal signature forgery,
// shadow hide / replace / hide-and-replace, certification attacks) on
// sihub's own sealed certificates and checks that each one is refused
// with the reason that names it.

// attack is one generated attack file and the reasons it must get.
type attack struct {
	class, name string
	pdf         []byte
	want        []Reason
}

var (
	attacksOnce sync.Once
	attacksVal  []attack
)

// sealedWith seals prep after applying a revision made before signing
// (objects the attacker prepares inside the signed bytes).
func sealedWith(t testing.TB, prepare func(pdf []byte) []byte) []byte {
	t.Helper()
	prep, sealers := renderedPrepared(t, "p256")
	p := *prep
	if prepare != nil {
		p.PDF = prepare(append([]byte(nil), prep.PDF...))
	}
	pdf, err := pades.Seal(&p, sealers[:1])
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// sigDictNum returns the object number of the first signature field's
// signature dictionary.
func sigDictNum(t testing.TB, l layout) int {
	t.Helper()
	cat, _ := l.f.Catalog()
	af, _ := l.f.Resolve(cat["AcroForm"])
	fields, _ := l.f.Resolve(af.(pdfstruct.Dict)["Fields"])
	field, _ := l.f.Resolve(fields.(pdfstruct.Array)[0])
	return field.(pdfstruct.Dict)["V"].(pdfstruct.Ref).Num
}

// sigDictWith returns the signature dictionary n as PDF source with the
// given keys replaced (an empty value removes the key).
func sigDictWith(t testing.TB, l layout, n int, set map[string]string) string {
	t.Helper()
	o, _ := l.f.Object(n)
	d := pdfstruct.Dict{}
	for k, v := range o.(pdfstruct.Dict) {
		d[k] = v
	}
	var extra []string
	for k, v := range set {
		delete(d, pdfstruct.Name(k))
		if v != "" {
			extra = append(extra, "/"+k+" "+v)
		}
	}
	s := pdfText(d)
	return s[:len(s)-2] + strings.Join(extra, " ") + " >>"
}

// stripCertificates removes the certificates from a CMS SignedData.
func stripCertificates(t testing.TB, der []byte) []byte {
	t.Helper()
	in := cryptobyte.String(der)
	var ci, oid, explicit, sd cryptobyte.String
	if !in.ReadASN1(&ci, cbasn1.SEQUENCE) || !ci.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) ||
		!ci.ReadASN1(&explicit, cbasn1.Tag(0).Constructed().ContextSpecific()) || !explicit.ReadASN1(&sd, cbasn1.SEQUENCE) {
		t.Fatal("not a ContentInfo")
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.OBJECT_IDENTIFIER, func(b *cryptobyte.Builder) { b.AddBytes(oid) })
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				for !sd.Empty() {
					var el cryptobyte.String
					var tag cbasn1.Tag
					if !sd.ReadAnyASN1Element(&el, &tag) {
						t.Fatal("bad SignedData")
					}
					if tag == cbasn1.Tag(0).Constructed().ContextSpecific() {
						continue // certificates
					}
					b.AddBytes(el)
				}
			})
		})
	})
	return b.BytesOrPanic()
}

// buildAttacks generates every attack file once.
func buildAttacks(t testing.TB) []attack {
	t.Helper()
	attacksOnce.Do(func() { attacksVal = generateAttacks(t) })
	if attacksVal == nil {
		t.Fatal("attack generation failed")
	}
	return attacksVal
}

func generateAttacks(t testing.TB) []attack {
	var out []attack
	add := func(class, name string, pdf []byte, want ...Reason) {
		out = append(out, attack{class, name, pdf, want})
	}
	signed := sealedWith(t, nil)
	l := readLayout(t, signed)
	forged := stream("", "BT /F1 24 Tf 72 700 Td (forged) Tj ET")

	// incremental saving attacks: content changed in an appended revision
	add("ISA", "page-content", appendRevision(t, signed, map[int]string{l.content: forged}),
		ReasonModifiedAfterSigning, ReasonNotWholeDocument)
	add("ISA", "info-code", appendRevision(t, signed, map[int]string{l.info: "<< /SihubCode (AAAABBBBCCCCDDDDEEEE) >>"}),
		ReasonModifiedAfterSigning, ReasonNotWholeDocument)
	two := renderedCertificate(t, "sm2", "p256")
	add("ISA", "after-two-seals", appendRevision(t, two, map[int]string{readLayout(t, two).content: forged}),
		ReasonModifiedAfterSigning, ReasonNotWholeDocument)
	pageDict := l.dictText(t, l.page)
	add("ISA", "new-page-content", appendRevision(t, signed, map[int]string{
		l.size: forged,
		l.page: strings.Replace(pageDict, fmt.Sprintf("/Contents %d 0 R", l.content), fmt.Sprintf("/Contents [%d 0 R %d 0 R]", l.content, l.size), 1),
	}), ReasonModifiedAfterSigning, ReasonNotWholeDocument)
	add("ISA", "pages-tree", appendRevision(t, signed, map[int]string{
		l.size:             strings.Replace(pageDict, fmt.Sprintf("/Contents %d 0 R", l.content), fmt.Sprintf("/Contents %d 0 R", l.size+1), 1),
		l.size + 1:         forged,
		readPagesNum(t, l): fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 2 >>", l.page, l.size),
	}), ReasonModifiedAfterSigning, ReasonNotWholeDocument)

	// a revision that defines the content object twice: the cross-reference
	// names the copy equal to the signed one, a reader that scans the file
	// takes the forged copy after it
	{
		body := l.dictText(t, l.info)
		dup := appendRevision(t, signed, map[int]string{l.info: body})
		x := bytes.LastIndex(dup, []byte("\nxref\n")) + 1
		forgedInfo := fmt.Sprintf("%d 0 obj\n<< /SihubCode (AAAABBBBCCCCDDDDEEEE) >>\nendobj\n", l.info)
		dup = append(dup[:x:x], append([]byte(forgedInfo), dup[x:]...)...)
		// the inserted bytes moved the section: fix startxref
		s := bytes.LastIndex(dup, []byte("startxref\n"))
		dup = append(dup[:s:s], []byte(fmt.Sprintf("startxref\n%d\n%%%%EOF\n", x+len(forgedInfo)))...)
		add("ISA", "duplicate-object", dup, ReasonDuplicateObject)
	}

	// signature wrapping: the second signed range relocated behind
	// malicious objects placed in the widened gap, with a new
	// cross-reference section and the signature dictionary redefined with
	// the moved /ByteRange (see wrapLastSignature)
	if swa, ok := wrapLastSignature(t, signed, l, forged); ok {
		add("SWA", "relocated-second-range", swa,
			ReasonByteRangeInvalid, ReasonByteRangeContentsMismatch, ReasonSignatureOutsideRange, ReasonXrefIntoGap)
	} else {
		t.Fatal("wrapping does not apply to the sealed certificate")
	}

	// universal signature forgery: the signature dictionary redefined with
	// values that skip the check in careless verifiers
	{
		n := sigDictNum(t, l)
		for _, c := range []struct {
			name string
			set  map[string]string
			want Reason
		}{
			{"contents-empty", map[string]string{"Contents": "<>"}, ReasonUnsignedSignatureDict},
			{"contents-null", map[string]string{"Contents": "null"}, ReasonByteRangeInvalid},
			{"contents-missing", map[string]string{"Contents": ""}, ReasonByteRangeInvalid},
			{"byterange-missing", map[string]string{"ByteRange": ""}, ReasonByteRangeInvalid},
			{"byterange-null", map[string]string{"ByteRange": "null"}, ReasonByteRangeInvalid},
			{"byterange-zero", map[string]string{"ByteRange": "[0 0 0 0]"}, ReasonByteRangeOverlap},
			{"byterange-beyond", map[string]string{"ByteRange": "[0 10 99999999 10]"}, ReasonByteRangeInvalid},
		} {
			add("USF", c.name, appendRevision(t, signed, map[int]string{n: sigDictWith(t, l, n, c.set)}), c.want)
		}
		// the signer's certificate removed from the CMS, in place (the
		// gap is not signed)
		o, _ := l.f.Object(n)
		c := o.(pdfstruct.Dict)["Contents"].(pdfstruct.String)
		der := bytes.TrimRight(c.Value, "\x00")
		stripped := stripCertificates(t, der)
		nocert := append([]byte(nil), signed...)
		hx := hex.EncodeToString(stripped)
		copy(nocert[c.Start+1:], hx+strings.Repeat("0", int(c.End-c.Start-2)-len(hx)))
		add("USF", "signer-cert-missing", nocert, ReasonSignerNotFound)
		// a second /Contents key in the signature dictionary
		dup := sigDictWith(t, l, n, nil)
		dup = dup[:len(dup)-2] + "/Contents <3082> >>"
		add("USF", "duplicate-contents", appendRevision(t, signed, map[int]string{n: dup}), ReasonDuplicateContents, ReasonModifiedAfterSigning)
	}

	// shadow attacks: content prepared in the signed revision, activated
	// by a later change that looks harmless
	{
		var overlay, prepared int
		hideBase := sealedWith(t, func(pdf []byte) []byte {
			pl := readLayout(t, pdf)
			overlay, prepared = pl.size, pl.size+1
			page := pl.dictText(t, pl.page)
			return appendRevision(t, pdf, map[int]string{
				overlay:  stream("", "q 1 1 1 rg 0 0 595 842 re f Q"),
				prepared: forged,
				pl.page:  strings.Replace(page, fmt.Sprintf("/Contents %d 0 R", pl.content), fmt.Sprintf("/Contents [%d 0 R %d 0 R]", pl.content, overlay), 1),
			})
		})
		hl := readLayout(t, hideBase)
		if r := newVerifier(t, nil, testNow.Add(time.Hour), testPKI(t, "p256").Root).Verify(context.Background(), hideBase); !r.Valid {
			t.Fatalf("prepared shadow base not valid: %v", reasons(r))
		}
		add("shadow", "hide-overlay-freed", appendRevision(t, hideBase, map[int]string{overlay: ""}),
			ReasonModifiedAfterSigning, ReasonNotWholeDocument)
		add("shadow", "hide-overlay-emptied", appendRevision(t, hideBase, map[int]string{overlay: stream("", "")}),
			ReasonModifiedAfterSigning, ReasonNotWholeDocument)
		add("shadow", "replace-contents", appendRevision(t, hideBase, map[int]string{
			hl.page: strings.Replace(hl.dictText(t, hl.page), fmt.Sprintf("[%d 0 R %d 0 R]", hl.content, overlay), fmt.Sprintf("%d 0 R", prepared), 1),
		}), ReasonModifiedAfterSigning, ReasonNotWholeDocument)
		fontNum := readFontNum(t, hl)
		add("shadow", "replace-font", appendRevision(t, hideBase, map[int]string{
			fontNum: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		}), ReasonModifiedAfterSigning, ReasonNotWholeDocument)
		// hide-and-replace: only a cross-reference section, pointing the
		// signed content object at the prepared one's bytes
		off, _ := hl.f.ObjectOffset(prepared)
		hr := append([]byte(nil), hideBase...)
		x := len(hr)
		hr = append(hr, fmt.Sprintf("xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
			hl.content, off, hl.size, hl.root, hl.info, hl.xref, x)...)
		add("shadow", "xref-points-at-other-object", hr, ReasonModifiedAfterSigning, ReasonNotWholeDocument)
		// hide-and-replace: a second definition of the content object
		// hidden in the signed bytes (in no cross-reference section), and
		// later only a cross-reference section that points at it
		var hidden int
		hrBase := sealedWith(t, func(pdf []byte) []byte {
			pl := readLayout(t, pdf)
			hidden = len(pdf)
			pdf = append(pdf, fmt.Sprintf("%d 0 obj\n%s\nendobj\n", pl.content, forged)...)
			return appendRevision(t, pdf, map[int]string{pl.info: pl.dictText(t, pl.info)})
		})
		hrl := readLayout(t, hrBase)
		if r := newVerifier(t, nil, testNow.Add(time.Hour), testPKI(t, "p256").Root).Verify(context.Background(), hrBase); !r.Valid {
			t.Fatalf("prepared hide-and-replace base not valid: %v", reasons(r))
		}
		hr2 := append([]byte(nil), hrBase...)
		x2 := len(hr2)
		hr2 = append(hr2, fmt.Sprintf("xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
			hrl.content, hidden, hrl.size, hrl.root, hrl.info, hrl.xref, x2)...)
		add("shadow", "hide-and-replace-xref-only", hr2, ReasonModifiedAfterSigning, ReasonNotWholeDocument)
		// a redefinition that repeats a key: this verifier reads one value,
		// a viewer may show the other
		page := hl.dictText(t, hl.page)
		add("shadow", "duplicate-key", appendObjStmRevision(t, hideBase, map[int]string{hl.page: "<< /Rotate 180" + page[2:len(page)-2] + " /Rotate 0 >>"}),
			ReasonModifiedAfterSigning)
		// an object stream redefining the signed page
		add("shadow", "objstm-replaces-page", appendObjStmRevision(t, hideBase, map[int]string{
			hl.page: strings.Replace(hl.dictText(t, hl.page), fmt.Sprintf("[%d 0 R %d 0 R]", hl.content, overlay), fmt.Sprintf("%d 0 R", prepared), 1),
		}), ReasonModifiedAfterSigning, ReasonObjStmShadow)
	}

	// shadow replace through a signature appearance: the empty field's
	// appearance is also drawn by the page, and the revision that signs
	// the field replaces it
	add("shadow", "replace-shared-appearance", fieldAppearanceDoc(t, true),
		ReasonModifiedAfterSigning)

	// certification attacks on a certified document
	for _, p := range []int{1, 2} {
		pki := testPKI(t, "p256")
		base := buildUnsigned(t, testDoc{code: testCode, number: testNumber, spare: true, docMDP: p}, testNow)
		cert := fill(t, base, leafSigner(pki), testNow)
		// evil annotation: a free-text annotation over the page
		add("certification", fmt.Sprintf("evil-annotation-P%d", p), appendRevision(t, cert, map[int]string{
			3:  "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [5 0 R 8 0 R 20 0 R] >>",
			20: "<< /Type /Annot /Subtype /FreeText /Rect [72 700 400 760] /Contents (Paid in full) /DA (/Helv 24 Tf 0 g) /P 3 0 R >>",
		}), ReasonModifiedAfterSigning, ReasonDocMDPViolation)
		// sneaky signature: a new signature field whose appearance draws
		// forged content, never signed
		add("certification", fmt.Sprintf("sneaky-unsigned-field-P%d", p), appendRevision(t, cert, map[int]string{
			1:  "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R 8 0 R 20 0 R] /SigFlags 3 >> /Perms << /DocMDP 6 0 R >> >>",
			3:  "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [5 0 R 8 0 R 20 0 R] >>",
			20: "<< /FT /Sig /T (Sneaky) /Type /Annot /Subtype /Widget /Rect [72 700 400 760] /F 4 /P 3 0 R /AP << /N 21 0 R >> >>",
			21: stream("/Type /XObject /Subtype /Form /BBox [0 0 328 60]", "BT /Helv 24 Tf 0 20 Td (Paid in full) Tj ET"),
		}), ReasonModifiedAfterSigning, ReasonDocMDPViolation)
		if p == 1 {
			// a real further signature where P=1 forbids any
			p2 := addSignatureRevision(t, cert, base.xref, testNow, nil)
			add("certification", "signature-after-P1", fill(t, p2, leafSigner(pki), testNow),
				ReasonModifiedAfterSigning, ReasonDocMDPViolation)
		}
	}
	// a certification signature that is not the first signature
	{
		pki := testPKI(t, "p256")
		base := buildUnsigned(t, testDoc{code: testCode, number: testNumber, spare: true}, testNow)
		first := fill(t, base, leafSigner(pki), testNow)
		p2 := addSignatureRevisionCert(t, first, base.xref, testNow, nil, 9, 2)
		add("certification", "certification-not-first", fill(t, p2, leafSigner(pki), testNow), ReasonCertificationNotFirst)
	}
	return out
}

// fieldAppearanceDoc signs a test document whose spare signature field 8
// has an appearance (object 20), then signs the spare field in a second
// revision that replaces the appearance. With drawn, the page content also
// paints the appearance.
func fieldAppearanceDoc(t testing.TB, drawn bool) []byte {
	t.Helper()
	pki := testPKI(t, "p256")
	base := buildUnsigned(t, testDoc{code: testCode, number: testNumber, spare: true}, testNow)
	objs := map[int]string{
		8:  "<< /FT /Sig /T (Seal2) /Type /Annot /Subtype /Widget /Rect [300 700 500 760] /F 4 /P 3 0 R /AP << /N 20 0 R >> >>",
		20: stream("/Type /XObject /Subtype /Form /BBox [0 0 200 60]", "0 0 200 60 re S"),
	}
	if drawn {
		objs[3] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 21 0 R] /Resources << /XObject << /SA 20 0 R >> >> /Annots [5 0 R 8 0 R] >>"
		objs[21] = stream("", "q 1 0 0 1 72 600 cm /SA Do Q")
	}
	pre := appendRevision(t, base.pdf, objs)
	first := fill(t, placed{pdf: pre, ph: base.ph}, leafSigner(pki), testNow)
	p2 := addSignatureRevision(t, first, int(readLayout(t, pre).xref), testNow, map[int]string{
		8:  "<< /FT /Sig /T (Seal2) /Type /Annot /Subtype /Widget /Rect [300 700 500 760] /F 4 /P 3 0 R /AP << /N 20 0 R >> /V 9 0 R >>",
		20: stream("/Type /XObject /Subtype /Form /BBox [0 0 200 60]", "BT /F1 24 Tf 0 20 Td (Paid in full) Tj ET"),
	})
	return fill(t, p2, leafSigner(pki), testNow)
}

func readPagesNum(t testing.TB, l layout) int {
	t.Helper()
	cat, _ := l.f.Catalog()
	return cat["Pages"].(pdfstruct.Ref).Num
}

func readFontNum(t testing.TB, l layout) int {
	t.Helper()
	o, _ := l.f.Object(l.page)
	res, _ := l.f.Resolve(o.(pdfstruct.Dict)["Resources"])
	fonts, _ := l.f.Resolve(res.(pdfstruct.Dict)["Font"])
	for _, v := range fonts.(pdfstruct.Dict) {
		if r, ok := v.(pdfstruct.Ref); ok {
			return r.Num
		}
	}
	t.Fatal("no font")
	return 0
}

// TestAttacks refuses every generated attack with the reasons that name
// it.
func TestAttacks(t *testing.T) {
	v := newVerifier(t, nil, testNow.Add(time.Hour), testPKI(t, "p256").Root)
	classes := map[string]int{}
	for _, a := range buildAttacks(t) {
		classes[a.class]++
		t.Run(a.class+"/"+a.name, func(t *testing.T) {
			r := v.Verify(context.Background(), a.pdf)
			if r.Valid {
				t.Fatalf("attack accepted:\n%s", dump(r))
			}
			for _, w := range a.want {
				if !r.HasReason(w) {
					t.Errorf("missing %s; got %v", w, reasons(r))
				}
			}
			for _, rv := range r.Revisions {
				for _, c := range rv.Changes {
					if !c.Allowed {
						t.Logf("revision %d: object %d (%s) %s: %s", rv.Index, c.Object, c.Kind, c.Action, c.Reason)
					}
				}
			}
		})
	}
	for _, c := range []string{"ISA", "SWA", "USF", "shadow", "certification"} {
		if classes[c] == 0 {
			t.Errorf("no %s attack generated", c)
		}
	}
}

// TestAttackChangeList checks that the report lists the changed objects
// per revision, and marks the attacker's change as not allowed.
func TestAttackChangeList(t *testing.T) {
	signed := sealedWith(t, nil)
	l := readLayout(t, signed)
	pdf := appendRevision(t, signed, map[int]string{l.content: stream("", "BT ET")})
	r := newVerifier(t, nil, testNow.Add(time.Hour), testPKI(t, "p256").Root).Verify(context.Background(), pdf)
	if len(r.Revisions) != 2 || len(r.Revisions[0].Signatures) != 1 {
		t.Fatalf("revisions:\n%s", dump(r))
	}
	ch := r.Revisions[1].Changes
	if len(ch) != 1 || ch[0].Object != l.content || ch[0].Kind != ChangePageContent || ch[0].Allowed || ch[0].Action != "modified" {
		t.Errorf("changes: %+v", ch)
	}
}

// TestNoFalseAlarmsOnSeals verifies sihub's own single- and multi-seal
// certificates: valid, nothing modified, every revision's changes allowed.
func TestNoFalseAlarmsOnSeals(t *testing.T) {
	for _, algs := range [][]string{{"sm2"}, {"p256"}, {"sm2", "p256"}, {"p256", "sm2", "p256"}} {
		t.Run(strings.Join(algs, "+"), func(t *testing.T) {
			pdf := renderedCertificate(t, algs...)
			var roots []*smx509.Certificate
			for _, a := range algs {
				roots = append(roots, testPKI(t, a).Root)
			}
			r := newVerifier(t, nil, testNow.Add(time.Hour), roots...).Verify(context.Background(), pdf)
			if !r.Valid || len(r.Signatures) != len(algs) || len(r.Revisions) != len(algs) {
				t.Fatalf("not valid: %v\n%s", reasons(r), dump(r))
			}
			for _, rv := range r.Revisions {
				for _, c := range rv.Changes {
					if !c.Allowed {
						t.Errorf("revision %d: %+v", rv.Index, c)
					}
				}
			}
		})
	}
	// signing an empty field may replace its own appearance
	if r := newVerifier(t, nil, testNow, testPKI(t, "p256").Root).Verify(context.Background(), fieldAppearanceDoc(t, false)); !r.Valid {
		t.Errorf("signing a field with its own appearance refused: %v\n%s", reasons(r), dump(r))
	}
	// a further signature after a certification with P=2 is permitted
	pki := testPKI(t, "p256")
	base := buildUnsigned(t, testDoc{code: testCode, number: testNumber, spare: true, docMDP: 2}, testNow)
	cert := fill(t, base, leafSigner(pki), testNow)
	both := fill(t, addSignatureRevision(t, cert, base.xref, testNow, nil), leafSigner(pki), testNow)
	if r := newVerifier(t, nil, testNow, pki.Root).Verify(context.Background(), both); !r.Valid {
		t.Errorf("approval after certification P=2 refused: %v", reasons(r))
	}
}

// TestAttacksWithPdfsig logs what poppler's pdfsig says about each attack
// (it accepts many of them) next to this verifier's verdict.
func TestAttacksWithPdfsig(t *testing.T) {
	pdfsig := needTool(t, "pdfsig")
	v := newVerifier(t, nil, testNow.Add(time.Hour), testPKI(t, "p256").Root)
	dir := t.TempDir()
	fooled := 0
	for i, a := range buildAttacks(t) {
		path := filepath.Join(dir, fmt.Sprintf("%02d.pdf", i))
		if err := os.WriteFile(path, a.pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		out, _ := exec.Command(pdfsig, path).CombinedOutput()
		say := "no signature"
		switch {
		case bytes.Contains(out, []byte("Signature is Valid")) && bytes.Contains(out, []byte("Total document signed")):
			say = "valid, total document signed"
			fooled++
		case bytes.Contains(out, []byte("Signature is Valid")):
			say = "valid, not total document signed"
			fooled++
		case bytes.Contains(out, []byte("Signature Validation:")):
			say = "not valid"
		}
		r := v.Verify(context.Background(), a.pdf)
		if r.Valid {
			t.Errorf("%s/%s: accepted", a.class, a.name)
		}
		t.Logf("%-14s %-28s pdfsig: %-34s sihub: %v", a.class, a.name, say, reasons(r))
	}
	t.Logf("pdfsig called %d of %d attack files valid", fooled, len(buildAttacks(t)))
}

// TestWriteFuzzSeeds stores the smaller attack files in the FuzzVerify
// corpus when SIHUB_WRITE_FUZZ_SEEDS is set (FuzzVerify also adds every
// attack as a seed at run time).
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("SIHUB_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set SIHUB_WRITE_FUZZ_SEEDS to rewrite the seeds")
	}
	for _, a := range buildAttacks(t) {
		if len(a.pdf) > 32<<10 {
			continue
		}
		name := filepath.Join("testdata", "fuzz", "FuzzVerify", "attack-"+a.class+"-"+a.name)
		if err := os.WriteFile(name, []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", a.pdf)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
