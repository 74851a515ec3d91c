package pades

import (
	"bytes"
	"testing"

	"sihub/certs/seal"
)

func TestSealReferenceAttribute(t *testing.T) {
	ref := &seal.Reference{Digest: bytes.Repeat([]byte{0xab}, 32), ESID: "1101010123456789abcdef"}
	for _, alg := range []string{"sm2", "p256"} {
		t.Run(alg, func(t *testing.T) {
			withRef := sealerFor(t, alg, "seal")
			withRef.SealReference = ref
			without := sealerFor(t, alg, "seal")
			p := testPDF(20000, 1, DefaultContentsLen, SigInfo{Name: "seal", Time: testNow})
			out, err := Seal(p, []Sealer{withRef, without})
			if err != nil {
				t.Fatal(err)
			}
			sigs := readSignatures(t, out)
			if len(sigs) != 2 {
				t.Fatalf("%d signatures", len(sigs))
			}
			for _, s := range sigs {
				if err := s.verify(t, out); err != nil {
					t.Fatal(err)
				}
			}
			attr, ok := sigs[0].sd.Signers[0].Attribute(seal.OIDAttributeSealReference)
			if !ok || len(attr.Values) != 1 {
				t.Fatal("first signature lacks the seal reference attribute")
			}
			got, err := seal.ParseReference(attr.Values[0])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Digest, ref.Digest) || got.ESID != ref.ESID {
				t.Fatalf("attribute names %x %q", got.Digest, got.ESID)
			}
			if _, ok := sigs[1].sd.Signers[0].Attribute(seal.OIDAttributeSealReference); ok {
				t.Fatal("a sealer without SealReference wrote the attribute")
			}
		})
	}
}
