package pades

import (
	"testing"
	"time"
)

// FuzzTail feeds arbitrary files to the incremental-update readers: they
// must fail cleanly, never panic, and AppendDSS must keep the input as
// its prefix.
func FuzzTail(f *testing.F) {
	p := testPDF(500, 1, 256, SigInfo{Time: testNow})
	f.Add(p.PDF)
	f.Add([]byte("xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Root 1 0 R >>\nstartxref\n0\n%%EOF"))
	f.Add([]byte("1 0 obj\n<< /Type /Sig /Contents <00> >>\nendobj\nxref\n1 1\n0000000000 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n46\n%%EOF"))
	f.Fuzz(func(t *testing.T, pdf []byte) {
		if len(pdf) > 1<<16 {
			return
		}
		_, _ = Signatures(pdf)
		out, err := AppendDSS(pdf, []Validation{{Contents: []byte{1}, Certs: [][]byte{{2}}}}, time.Unix(0, 0))
		if err == nil && (len(out) <= len(pdf) || string(out[:len(pdf)]) != string(pdf)) {
			t.Fatal("AppendDSS did not append")
		}
	})
}
