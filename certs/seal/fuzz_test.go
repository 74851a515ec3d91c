package seal

import (
	"bytes"
	"testing"
)

// fuzzSeeds are the reference samples and seals of our own.
func fuzzSeeds(f *testing.F) {
	for _, name := range []string{"UserV1.esl", "UserV4.esl", "UserV5.esl", "UserV5_ts.esl", "SignedValueV4.dat", "SignedValueV5.dat"} {
		f.Add(sample(f, name))
	}
	fx := newFixture(f)
	f.Add(fx.make(f, nil).Raw)
	small := fx.make(f, func(r *MakeRequest) {
		r.CertListType = CertListDigests
		r.Picture = &Picture{Type: PictureSVG, Data: []byte("<svg/>"), Width: 40, Height: 40}
		r.Extensions = []Extension{{ID: []int{1, 2, 3}, Critical: true, Value: []byte{1}}}
	})
	f.Add(small.Raw)
}

// FuzzParse: Parse never panics, and whatever v4 seal it accepts re-encodes
// to exactly the input (the parser accepts DER only), parses again the
// same way, and survives Verify without panicking.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, der []byte) {
		s, err := Parse(der)
		if err != nil {
			return
		}
		_ = s.Verify(VerifyOptions{})
		_ = s.Info.Picture.Check()
		if s.Format != FormatV4 {
			return
		}
		re, err := s.Marshal()
		if err != nil {
			// Only a field combination Marshal refuses (a list that does
			// not match its type cannot come from Parse) may fail.
			t.Fatalf("accepted seal does not re-encode: %v", err)
		}
		if !bytes.Equal(re, der) {
			t.Fatalf("re-encoding differs:\n in %x\nout %x", der, re)
		}
	})
}

// FuzzParseSignature: the same for SES_Signature.
func FuzzParseSignature(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, der []byte) {
		sig, err := ParseSignature(der)
		if err != nil {
			return
		}
		_ = sig.Verify(SignatureVerifyOptions{})
		re, err := sig.Marshal()
		if err != nil {
			t.Fatalf("accepted signature does not re-encode: %v", err)
		}
		if !bytes.Equal(re, der) {
			t.Fatalf("re-encoding differs:\n in %x\nout %x", der, re)
		}
	})
}
