package cms

import "testing"

// BenchmarkCMSVerify parses a SignedData and verifies its signer against a
// precomputed content digest.
func BenchmarkCMSVerify(b *testing.B) {
	for _, alg := range []string{"sm2", "p256"} {
		b.Run(alg, func(b *testing.B) {
			content := randomContent(b, 60000)
			der := signContent(b, testPKI(b, alg), content, nil)
			sd, err := Parse(der)
			if err != nil {
				b.Fatal(err)
			}
			digest := digestWith(b, sd.Signers[0], content)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				sd, err := Parse(der)
				if err != nil {
					b.Fatal(err)
				}
				if err := sd.Signers[0].Verify(digest); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSignDetached signs a precomputed digest.
func BenchmarkSignDetached(b *testing.B) {
	for _, alg := range []string{"sm2", "p256"} {
		b.Run(alg, func(b *testing.B) {
			p := testPKI(b, alg)
			d, _ := DigestFor(p.LeafKey.Public())
			digest := make([]byte, d.Size())
			o := SignOptions{Signer: p.LeafKey, Certificate: p.Leaf, Chain: p.Chain(), SigningTime: testNow}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := SignDetached(digest, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
