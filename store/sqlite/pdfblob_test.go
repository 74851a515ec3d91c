package sqlite

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"testing"

	"sihub/internal/testutil"
	"sihub/model"
)

// storedPDF is the row behind a document's PDF: the stored bytes' length
// and their encoding.
func storedPDF(t *testing.T, s *Store, code string) (int, string) {
	t.Helper()
	var n int
	var enc string
	if err := s.r.QueryRowContext(t.Context(), `SELECT length(data), encoding FROM pdfs WHERE code = ?`, code).Scan(&n, &enc); err != nil {
		t.Fatal(err)
	}
	return n, enc
}

// TestPDFStoredCompressed: signed PDFs are stored as S2 blocks smaller
// than the files and read back byte for byte, each stored after the
// other (the blocks' memory is recycled between them).
func TestPDFStoredCompressed(t *testing.T) {
	s := openInternal(t)
	var pdfs [][]byte
	for i, name := range []string{"DSS-1983.pdf", "DSS-2155.pdf", "DSS-1983.pdf"} {
		pdf, err := os.ReadFile(testutil.Corpora(t, "pdf", "dss", name))
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			pdf = append(pdf, "% appended\n"...) // not the first one again
		}
		d := groupDoc(i, "")
		if err := s.PutDocument(t.Context(), d, pdf); err != nil {
			t.Fatal(err)
		}
		n, enc := storedPDF(t, s, d.Code)
		if enc != encodingS2 || n >= len(pdf) {
			t.Errorf("%s: stored %d bytes as %q for a %d-byte PDF, want a smaller %q block", name, n, enc, len(pdf), encodingS2)
		}
		pdfs = append(pdfs, pdf)
	}
	for i, pdf := range pdfs {
		got, err := s.DocumentPDF(t.Context(), groupDoc(i, "").Code)
		if err != nil || !bytes.Equal(got, pdf) {
			t.Errorf("DocumentPDF %d = %d bytes, %v; want the %d bytes stored", i, len(got), err, len(pdf))
		}
	}
}

// TestIncompressiblePDFStoredAsIs: bytes S2 cannot shrink, and an empty
// PDF, are stored as they are.
func TestIncompressiblePDFStoredAsIs(t *testing.T) {
	s := openInternal(t)
	noise := make([]byte, 4096)
	rand.Read(noise)
	for i, pdf := range [][]byte{noise, {}} {
		d := groupDoc(i, "")
		if err := s.PutDocument(t.Context(), d, pdf); err != nil {
			t.Fatal(err)
		}
		if n, enc := storedPDF(t, s, d.Code); enc != "" || n != len(pdf) {
			t.Errorf("%d bytes stored as %d bytes %q, want them as they are", len(pdf), n, enc)
		}
		got, err := s.DocumentPDF(t.Context(), d.Code)
		if err != nil || !bytes.Equal(got, pdf) || got == nil {
			t.Errorf("DocumentPDF = %d bytes (nil %v), %v; want the %d bytes stored", len(got), got == nil, err, len(pdf))
		}
	}
}

// TestDamagedPDFBlob: a stored block that does not decode, or an encoding
// this program does not know, is an error, never other bytes.
func TestDamagedPDFBlob(t *testing.T) {
	s := openInternal(t)
	pdf, err := os.ReadFile(testutil.Corpora(t, "pdf", "dss", "DSS-1983.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	for i, damage := range []string{
		`UPDATE pdfs SET data = substr(data, 1, length(data) - 100) WHERE code = ?`,
		`UPDATE pdfs SET encoding = 'zz' WHERE code = ?`,
		`UPDATE pdfs SET data = x'ffffffffffffffffff01' WHERE code = ?`,
	} {
		d := groupDoc(i, "")
		if err := s.PutDocument(t.Context(), d, pdf); err != nil {
			t.Fatal(err)
		}
		if _, err := s.w.ExecContext(t.Context(), damage, d.Code); err != nil {
			t.Fatal(err)
		}
		got, err := s.DocumentPDF(t.Context(), d.Code)
		if !errors.Is(err, errBadBlob) || got != nil {
			t.Errorf("after %s: DocumentPDF = %d bytes, %v; want errBadBlob", damage, len(got), err)
		}
		if errors.Is(err, model.ErrNotFound) {
			t.Errorf("a damaged PDF reported as not found: %v", err)
		}
	}
}

// FuzzDecodePDF: any stored bytes decode to at most maxStoredPDF bytes or
// to an error, and whatever encodePDF stores decodes to the PDF.
func FuzzDecodePDF(f *testing.F) {
	f.Add([]byte("%PDF-1.7\n%%EOF\n"))
	f.Add(bytes.Repeat([]byte("0"), 8192))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		if out, err := decodePDF(b, encodingS2); err == nil && len(out) > maxStoredPDF {
			t.Fatalf("decoded %d bytes, more than the cap", len(out))
		}
		blob, enc, done := encodePDF(b)
		out, err := decodePDF(blob, enc)
		if err != nil || !bytes.Equal(out, b) {
			t.Fatalf("round trip of %d bytes (%q): %d bytes, %v", len(b), enc, len(out), err)
		}
		done()
	})
}
