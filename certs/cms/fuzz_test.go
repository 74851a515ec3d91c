package cms

import (
	"bytes"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// gmsmSamples returns the DER of the SM2 PKCS#7 samples in the corpora.
func gmsmSamples(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpora(t), "crypto", "sm", "gmsm", "*.p7*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no gmsm PKCS#7 samples: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := pem.Decode(b); p != nil {
			b = p.Bytes
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// TestGmsmSamples reads the SM2 PKCS#7 samples (GM/T 0010 content types)
// and verifies the attached CFCA signature.
func TestGmsmSamples(t *testing.T) {
	for name, der := range gmsmSamples(t) {
		sd, err := Parse(der)
		switch name {
		case "gmcert-org-sm2-signed-enveloped.p7.pem":
			// signedAndEnvelopedData, not a SignedData.
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("%s: err = %v, want ErrMalformed", name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(sd.Certificates) == 0 {
			t.Errorf("%s: no certificates", name)
		}
		for _, si := range sd.Signers {
			if err := si.VerifyContent(sd.Content); err != nil {
				t.Errorf("%s: %s: %v", name, si.AlgorithmName(), err)
			}
			bad := append(bytes.Clone(sd.Content), '!')
			if err := si.VerifyContent(bad); !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrDigestMismatch) {
				t.Errorf("%s: changed content: err = %v", name, err)
			}
		}
		if name == "cfca-sadk-sm2-signeddata-attached.p7b" && (len(sd.Signers) != 1 || string(sd.Content) != "Hello Secret World!") {
			t.Errorf("%s: %d signers, content %q", name, len(sd.Signers), sd.Content)
		}
	}
}

// FuzzParse feeds arbitrary bytes to Parse and the verification entry
// points: they must return, never panic, and a result must re-parse.
func FuzzParse(f *testing.F) {
	for _, der := range gmsmSamples(f) {
		f.Add(der)
	}
	for _, s := range corpusSignatures(f) {
		f.Add(s.contents)
	}
	for _, alg := range []string{"sm2", "p256"} {
		der := signContent(f, testPKI(f, alg), []byte("seed"), nil)
		f.Add(der)
		ber, err := indefiniteBER(der)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(ber)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sd, err := ParseWithLimits(data, Limits{MaxSize: 1 << 20})
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error of no known kind: %v", err)
			}
			return
		}
		for _, si := range sd.Signers {
			_ = si.AlgorithmName()
			if h, err := si.NewHash(); err == nil {
				_ = si.Verify(h.Sum(nil))
			}
			_ = si.VerifyContent(data)
		}
		again, err := Parse(sd.Raw)
		if err != nil {
			t.Fatalf("Raw does not re-parse: %v", err)
		}
		if !bytes.Equal(again.Raw, sd.Raw) || len(again.Signers) != len(sd.Signers) {
			t.Fatal("re-parse differs")
		}
	})
}
