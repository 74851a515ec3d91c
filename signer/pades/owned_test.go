package pades

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
)

// SealOwned signs the prepared file in its own array (with room, further
// seals are appended there too) and yields what Seal yields: the same
// bytes outside the signatures' /Contents, every signature valid.
func TestSealOwned(t *testing.T) {
	for _, c := range sealCases {
		t.Run(c.name, func(t *testing.T) {
			var ss []Sealer
			for i, a := range c.algs {
				ss = append(ss, sealerFor(t, a, fmt.Sprintf("seal %d", i+1)))
			}
			ref, err := Seal(testPDF(60000, 2, DefaultContentsLen, SigInfo{Name: "seal 1", Time: testNow}), ss)
			if err != nil {
				t.Fatal(err)
			}
			p := testPDF(60000, 2, DefaultContentsLen, SigInfo{Name: "seal 1", Time: testNow})
			p.PDF = slices.Grow(p.PDF, 8<<10) // room for the further seals' updates
			base := &p.PDF[:1][0]
			out, err := SealOwned(p, ss)
			if err != nil {
				t.Fatal(err)
			}
			if &out[0] != base {
				t.Error("SealOwned sealed a copy although the prepared file had room")
			}
			sigs := readSignatures(t, out)
			if len(sigs) != len(c.algs) || len(out) != len(ref) {
				t.Fatalf("%d signatures in %d bytes, Seal made %d in %d", len(sigs), len(out), len(c.algs), len(ref))
			}
			masked := func(pdf []byte) []byte {
				m := bytes.Clone(pdf)
				for _, s := range readSignatures(t, pdf) {
					clear(m[s.ranges[1]:s.ranges[2]])
				}
				return m
			}
			if !bytes.Equal(masked(out), masked(ref)) {
				t.Error("SealOwned's file differs from Seal's outside the signatures")
			}
			for i, s := range sigs {
				if err := s.verify(t, out); err != nil {
					t.Errorf("signature %d: %v", i+1, err)
				}
			}
		})
	}
}

// AppendDSSOwned appends the same update as AppendDSS, into the file's own
// array when it has room and to a copy when not.
func TestAppendDSSOwned(t *testing.T) {
	_, ss, sealedPDF := sealed(t, []string{"p256"})
	sigs, err := Signatures(sealedPDF)
	if err != nil || len(sigs) != 1 {
		t.Fatalf("Signatures = %+v, %v", sigs, err)
	}
	val := Validation{Contents: sigs[0].Contents, Certs: [][]byte{ss[0].Certificate.Raw, ss[0].Chain[0].Raw},
		OCSPs: [][]byte{[]byte("ocsp")}, CRLs: [][]byte{[]byte("crl")}}
	want, err := AppendDSS(bytes.Clone(sealedPDF), []Validation{val}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	roomy := slices.Grow(bytes.Clone(sealedPDF), 16<<10)
	got, err := AppendDSSOwned(roomy, []Validation{val}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("AppendDSSOwned's file differs from AppendDSS's")
	}
	if &got[0] != &roomy[0] {
		t.Error("AppendDSSOwned copied a file that had room for the update")
	}
	tight := slices.Clip(bytes.Clone(sealedPDF))
	got, err = AppendDSSOwned(tight, []Validation{val}, testNow)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("AppendDSSOwned of a file without room: %v, same as AppendDSS: %v", err, bytes.Equal(got, want))
	}
	if !bytes.Equal(tight, sealedPDF) {
		t.Error("AppendDSSOwned changed a file without room")
	}
}
