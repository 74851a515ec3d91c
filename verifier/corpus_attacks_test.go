package verifier

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sihub/verifier/pdfstruct"
)

// strictByPolicy are signed corpus files the manifest calls valid whose
// later revisions change something this verifier does not accept after
// signing, with what they change. Each must still be reported modified,
// so the list cannot go stale.
var strictByPolicy = map[string]string{
	"DSS-2199.pdf":                           "the document information dictionary and the XMP metadata",
	"DSS-2821.pdf":                           "the structure tree, /Info, the XMP metadata and a page",
	"DSS-3226.pdf":                           "a page's /MediaBox",
	"Signature-P-BG_BOR-2.pdf":               "the document information dictionary",
	"Signature-P-DE_SCI-4.pdf":               "a page's /Resources",
	"Signature-P-SK-6.pdf":                   "the document information dictionary and the XMP metadata",
	"TEST2_signed_with_zero_policy_hash.pdf": "the document information dictionary",
	"pades-ocsp-sign-cert.pdf":               "the trailer's /Info",
	"pades-t-level-extended.pdf":             "the document information dictionary",
	"pades-tst-with-null-type.pdf":           "the document information dictionary",
	"pdf-with-vri-timestamp.pdf":             "the catalog's /Version, /Info and the XMP metadata",
	"pkcs7_sha1.pdf":                         "the pages tree, /Info and the XMP metadata",
}

// TestDSSCorpusRevisions checks the revision analysis on the EU DSS files
// the manifest calls valid: later DSS, VRI, document timestamps and
// signatures are accepted, so no signature is "modified after signing"
// unless the file is listed in strictByPolicy.
func TestDSSCorpusRevisions(t *testing.T) {
	dir := filepath.Join(corpusRoot(t), "dss")
	v := New(Options{Now: func() time.Time { return testNow }})
	multi := 0
	for path, expected := range manifest(t, dir) {
		if !strings.HasSuffix(path, ".pdf") || !strings.HasPrefix(expected, "valid") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			t.Fatal(err)
		}
		r := v.Verify(context.Background(), data)
		if len(r.Revisions) > 1 {
			multi++
		}
		modified := r.HasReason(ReasonModifiedAfterSigning)
		why, strict := strictByPolicy[path]
		switch {
		case strict && !modified:
			t.Errorf("%s: expected to be reported modified (%s)", path, why)
		case !strict && modified:
			var bad []string
			for _, rv := range r.Revisions {
				for _, c := range rv.Changes {
					if !c.Allowed {
						bad = append(bad, fmt.Sprintf("rev %d obj %d %s: %s", rv.Index, c.Object, c.Kind, c.Reason))
					}
				}
			}
			t.Errorf("%s (%s): modified after signing: %v", path, expected, bad)
		}
	}
	if multi < 15 {
		t.Errorf("only %d multi-revision files", multi)
	}
}

// TestCorpusAttacks applies the incremental saving, object stream shadow
// and signature wrapping attacks to the third-party signed files that this
// verifier finds intact and unmodified, and expects each attack refused.
func TestCorpusAttacks(t *testing.T) {
	v := New(Options{Now: func() time.Time { return testNow }})
	applied := 0
	for _, sub := range []string{"dss", "pyhanko"} {
		dir := filepath.Join(corpusRoot(t), sub)
		for path := range manifest(t, dir) {
			if !strings.HasSuffix(path, ".pdf") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, path))
			if err != nil {
				t.Fatal(err)
			}
			if !intactAndUnmodified(v.Verify(context.Background(), data)) {
				continue
			}
			f, err := pdfstruct.Open(context.Background(), data, pdfstruct.Limits{})
			if err != nil || f.Trailer()["Encrypt"] != nil {
				continue
			}
			l := readLayout(t, data)
			if l.content == 0 {
				continue
			}
			applied++
			name := sub + "/" + path
			forged := stream("", "BT /F1 24 Tf 72 700 Td (forged) Tj ET")
			isa := appendRevision(t, data, map[int]string{l.content: forged})
			if r := v.Verify(context.Background(), isa); !r.HasReason(ReasonModifiedAfterSigning) {
				t.Errorf("%s ISA: %v", name, reasons(r))
			}
			shadow := appendObjStmRevision(t, data, map[int]string{l.page: rotated(t, l)})
			if r := v.Verify(context.Background(), shadow); !r.HasReason(ReasonModifiedAfterSigning) {
				t.Errorf("%s object stream shadow: %v", name, reasons(r))
			}
			// wrapping: the second signed range moved behind an object
			// hidden in the gap of the last signature
			if swa, ok := wrapLastSignature(t, data, l, forged); ok {
				r := v.Verify(context.Background(), swa)
				if r.Valid || !r.HasReason(ReasonByteRangeContentsMismatch) || !r.HasReason(ReasonSignatureOutsideRange) || !r.HasReason(ReasonXrefIntoGap) {
					t.Errorf("%s SWA: %v", name, reasons(r))
				}
			}
		}
	}
	if applied < 10 {
		t.Errorf("attacks applied to only %d corpus files", applied)
	}
}

// rotated returns the first page's dictionary turned upside down.
func rotated(t testing.TB, l layout) string {
	t.Helper()
	o, _ := l.f.Object(l.page)
	d := pdfstruct.Dict{}
	for k, v := range o.(pdfstruct.Dict) {
		d[k] = v
	}
	d["Rotate"] = pdfstruct.Int(180)
	return pdfText(d)
}

func intactAndUnmodified(r *Report) bool {
	if len(r.Signatures) == 0 || len(r.Errors) > 0 {
		return false
	}
	for _, s := range r.Signatures {
		if !s.IntegrityValid || s.ModifiedAfterSigning {
			return false
		}
	}
	return true
}

// wrapLastSignature builds a signature wrapping attack on the file's last
// signature: the second signed range is moved behind an object hidden in
// the widened gap, and a new complete cross-reference section (every
// object at its moved offset, the content object at the hidden one) ends
// the file with the signature dictionary redefined to the moved
// /ByteRange. It applies to files whose objects are all stored directly.
func wrapLastSignature(t testing.TB, data []byte, l layout, evilBody string) ([]byte, bool) {
	t.Helper()
	var best pdfstruct.Dict
	bestNum, bestEnd := 0, int64(-1)
	for _, n := range l.f.EntryNumbers() {
		e, _ := l.f.EntryOf(n)
		if e.Kind == 2 {
			return nil, false
		}
		if e.Kind != 1 {
			continue
		}
		o, err := l.f.Object(n)
		d, ok := o.(pdfstruct.Dict)
		if err != nil || !ok || !isSigDict(d) {
			continue
		}
		br, ok := d["ByteRange"].(pdfstruct.Array)
		if !ok || len(br) != 4 {
			continue
		}
		x, ok1 := br[2].(pdfstruct.Int)
		y, ok2 := br[3].(pdfstruct.Int)
		if ok1 && ok2 && int64(x+y) > bestEnd {
			best, bestNum, bestEnd = d, n, int64(x+y)
		}
	}
	c, ok := best["Contents"].(pdfstruct.String)
	if best == nil || !ok || c.Start < 0 || bestEnd < int64(len(data))-2 {
		return nil, false
	}
	a, b := c.Start, c.End
	var w bytes.Buffer
	w.Write(data[:b])
	evilOff := w.Len() + 1
	w.WriteString(fmt.Sprintf("\n%d 0 obj\n%s\nendobj\n", l.content, evilBody))
	delta := int64(w.Len()) - b
	w.Write(data[b:])
	if data[len(data)-1] != '\n' {
		w.WriteByte('\n')
	}
	d := pdfstruct.Dict{}
	for k, v := range best {
		d[k] = v
	}
	d["ByteRange"] = pdfstruct.Array{pdfstruct.Int(0), pdfstruct.Int(a), pdfstruct.Int(b + delta), pdfstruct.Int(int64(len(data)) - b)}
	d["Contents"] = pdfstruct.String{Value: bytes.TrimRight(c.Value, "\x00")}
	sigOff := w.Len()
	fmt.Fprintf(&w, "%d 0 obj\n%s\nendobj\n", bestNum, pdfText(d))
	x := w.Len()
	fmt.Fprintf(&w, "xref\n0 %d\n", l.size)
	for n := 0; n < l.size; n++ {
		e, ok := l.f.EntryOf(n)
		off := e.Offset
		if off >= b {
			off += delta
		}
		switch {
		case n == bestNum:
			off = int64(sigOff)
		case n == l.content:
			off = int64(evilOff)
		case !ok || e.Kind != 1:
			w.WriteString("0000000000 65535 f \n")
			continue
		}
		fmt.Fprintf(&w, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&w, "trailer\n<< /Size %d /Root %d 0 R", l.size, l.root)
	if l.info != 0 {
		fmt.Fprintf(&w, " /Info %d 0 R", l.info)
	}
	fmt.Fprintf(&w, " >>\nstartxref\n%d\n%%%%EOF\n", x)
	return w.Bytes(), true
}
