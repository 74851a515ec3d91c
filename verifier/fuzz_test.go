package verifier

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sihub/signer/pades"
)

// FuzzVerify checks that Verify returns a report, never panics or hangs,
// and never calls a mutated file valid unless its signature still verifies.
// Seeds: sealed test files, the attack files of attacks_test.go and the
// small signed corpus files.
func FuzzVerify(f *testing.F) {
	pki := testPKI(f, "sm2")
	base := buildUnsigned(f, testDoc{code: testCode, number: testNumber, spare: true}, testNow)
	first := fill(f, base, leafSigner(pki), testNow)
	f.Add(first)
	second := addSignatureRevision(f, first, base.xref, testNow, nil)
	f.Add(fill(f, second, leafSigner(testPKI(f, "p256")), testNow))
	for _, a := range buildAttacks(f) {
		if len(a.pdf) < 128<<10 {
			f.Add(a.pdf)
		}
	}
	for _, pattern := range []string{"pyhanko/*signed*.pdf", "pyhanko/sig-*.pdf", "dss/pades-bes.pdf"} {
		files, _ := filepath.Glob(filepath.Join(corpusRoot(f), pattern))
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil && len(data) < 128<<10 {
				f.Add(data)
			}
		}
	}
	// long-term material: a signature timestamp, then a DSS whose OCSP
	// response and CRL are stubs
	stamps := newTestTSA(f, testNow.Add(time.Minute), true)
	bt := sealedBT(f, stamps, "sm2", nil)
	f.Add(bt)
	if sigs, err := pades.Signatures(bt); err == nil && len(sigs) == 1 {
		withDSS, err := pades.AppendDSS(bt, []pades.Validation{{Contents: sigs[0].Contents, Certs: [][]byte{stamps.cert.Raw, pki.Leaf.Raw},
			OCSPs: [][]byte{{0x30, 0x03, 0x0a, 0x01, 0x00}}, CRLs: [][]byte{{0x30, 0x00}}}}, testNow)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(withDSS)
	}
	v := New(Options{Roots: nil, Now: func() time.Time { return testNow }, Timeout: 2 * time.Second})
	trusting := newVerifier(f, nil, testNow, pki.Root, testPKI(f, "p256").Root, stamps.root)
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		r := v.Verify(context.Background(), data)
		if r == nil || r.Errors == nil || r.Signatures == nil {
			t.Fatal("incomplete report")
		}
		if r.Valid {
			t.Fatal("valid without trust anchors")
		}
		r = trusting.Verify(context.Background(), data)
		if r.Valid {
			for _, s := range r.Signatures {
				if !s.IntegrityValid || !s.ChainTrusted {
					t.Fatalf("valid with a failed signature: %+v", s)
				}
			}
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}
