package seal

import (
	"context"
	"testing"

	"sihub/internal/testutil"
)

// BenchmarkMake: render the SVG picture, encode and sign a seal with a
// software SM2 key, and parse it back.
func BenchmarkMake(b *testing.B) {
	f := newFixture(b)
	req := f.request()
	b.ReportAllocs()
	m := testutil.StartCPU()
	for b.Loop() {
		if _, err := Make(context.Background(), req, f.makerKey, f.makerCert); err != nil {
			b.Fatal(err)
		}
	}
	m.Report(b, 1)
}

// BenchmarkParseVerify: parse a seal and verify it (maker signature,
// picture, window, certificate list), for one of ours and the reference
// v4 sample.
func BenchmarkParseVerify(b *testing.B) {
	f := newFixture(b)
	ref := sample(b, "UserV4.esl")
	refSeal, err := Parse(ref)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		der  []byte
		opts VerifyOptions
	}{
		{"sihub-svg", f.make(b, nil).Raw, VerifyOptions{Time: testNow, SealCertificate: f.pki.Leaf}},
		{"reference-v4-png", ref, VerifyOptions{Time: refSeal.Info.Property.ValidStart}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.der)))
			m := testutil.StartCPU()
			for b.Loop() {
				s, err := Parse(c.der)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Verify(c.opts); err != nil {
					b.Fatal(err)
				}
			}
			m.Report(b, 1)
		})
	}
}
