package pades

import (
	"bytes"
	"testing"
)

// TestSignedReportsContents: each sealer's Signed callback gets the very
// /Contents value a reader of the sealed file decodes (the first
// signature's and an incremental update's).
func TestSignedReportsContents(t *testing.T) {
	p := testPDF(20000, 1, DefaultContentsLen, SigInfo{Name: "seal", Time: testNow})
	sealers := []Sealer{sealerFor(t, "sm2", "seal"), sealerFor(t, "p256", "seal")}
	got := make([][]byte, len(sealers))
	for i := range sealers {
		sealers[i].Signed = func(c []byte) { got[i] = c }
	}
	out, err := Seal(p, sealers)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := Signatures(out)
	if err != nil || len(sigs) != len(sealers) {
		t.Fatalf("Signatures = %d, %v", len(sigs), err)
	}
	for i, s := range sigs {
		if !bytes.Equal(got[i], s.Contents) {
			t.Errorf("signature %d: Signed got %d bytes (%x…), the file holds %d (%x…)", i, len(got[i]), got[i][:min(8, len(got[i]))], len(s.Contents), s.Contents[:8])
		}
		if VRIKey(got[i]) != VRIKey(s.Contents) {
			t.Errorf("signature %d: VRI keys differ", i)
		}
	}
}
