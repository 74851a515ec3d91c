package render

import (
	"bytes"
	"testing"
)

// TestRecycle renders, recycles and renders again: every file equals the
// first one, Recycle clears the file it takes back, and later files are
// written into recycled memory.
func TestRecycle(t *testing.T) {
	r := renderer(t)
	c := sampleCertificate(24)
	first, err := r.InsuranceCertificate(c, sampleOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Clone(first.PDF)
	seen := map[*byte]bool{}
	reused := 0
	p := first
	for i := 0; i < 20; i++ {
		seen[&p.PDF[:1][0]] = true
		r.Recycle(p)
		if p.PDF != nil {
			t.Fatal("Recycle left the file in place")
		}
		if p, err = r.InsuranceCertificate(c, sampleOptions(1)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(p.PDF, want) {
			t.Fatalf("file %d, written into recycled memory, differs", i+2)
		}
		if seen[&p.PDF[:1][0]] {
			reused++
		}
	}
	if reused == 0 {
		t.Error("no file was written into recycled memory")
	}
	r.Recycle(nil) // no file: nothing to do
}

// TestFileBufferSize checks that a recycled buffer too small for the
// file asked for is not handed out.
func TestFileBufferSize(t *testing.T) {
	small := make([]byte, 10, 100)
	fileBufs.Put(&small)
	if b := fileBuffer(1000); cap(b) < 1000 || len(b) != 0 {
		t.Errorf("buffer of len %d, cap %d for 1000 bytes", len(b), cap(b))
	}
}
