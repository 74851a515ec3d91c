package pades

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sihub/internal/testutil"
	"strings"
	"sync"
	"testing"

	"sihub/certs/cms"
)

var sealCases = []struct {
	name string
	algs []string
}{
	{"sm2", []string{"sm2"}},
	{"p256", []string{"p256"}},
	{"sm2+sm2", []string{"sm2", "sm2"}},
	{"p256+p256", []string{"p256", "p256"}},
	{"sm2+p256", []string{"sm2", "p256"}},
	{"p256+sm2+p256", []string{"p256", "sm2", "p256"}},
}

// sealed seals a fresh test PDF with one sealer per algorithm.
func sealed(t testing.TB, algs []string) (*Prepared, []Sealer, []byte) {
	t.Helper()
	p := testPDF(60000, 2, DefaultContentsLen, SigInfo{Name: "seal 1", Reason: "参保证明", Time: testNow})
	var ss []Sealer
	for i, a := range algs {
		ss = append(ss, sealerFor(t, a, fmt.Sprintf("seal %d", i+1)))
	}
	out, err := Seal(p, ss)
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	return p, ss, out
}

func TestSeal(t *testing.T) {
	for _, c := range sealCases {
		t.Run(c.name, func(t *testing.T) {
			p := testPDF(60000, 2, DefaultContentsLen, SigInfo{Name: "seal 1", Time: testNow})
			before := bytes.Clone(p.PDF)
			var ss []Sealer
			for i, a := range c.algs {
				ss = append(ss, sealerFor(t, a, fmt.Sprintf("seal %d", i+1)))
			}
			out, err := Seal(p, ss)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(p.PDF, before) {
				t.Fatal("Seal modified the prepared PDF")
			}
			sigs := readSignatures(t, out)
			if len(sigs) != len(c.algs) {
				t.Fatalf("%d signatures in the file, want %d", len(sigs), len(c.algs))
			}
			// The first signature fills the renderer's placeholder and covers
			// the base revision exactly; the base is otherwise unchanged.
			first := sigs[0]
			if first.ranges[1] != int64(p.First.Contents) || first.ranges[2] != int64(p.First.Contents+p.First.ContentsLen) ||
				first.ranges[2]+first.ranges[3] != int64(len(p.PDF)) {
				t.Errorf("first byte range %v, placeholder %+v, base %d bytes", first.ranges, p.First, len(p.PDF))
			}
			if !bytes.Equal(out[:p.First.ByteRange], p.PDF[:p.First.ByteRange]) ||
				!bytes.Equal(out[p.First.ByteRange+p.First.ByteRangeLen:p.First.Contents], p.PDF[p.First.ByteRange+p.First.ByteRangeLen:p.First.Contents]) ||
				!bytes.Equal(out[p.First.Contents+p.First.ContentsLen:len(p.PDF)], p.PDF[p.First.Contents+p.First.ContentsLen:]) {
				t.Error("bytes of the base revision outside the placeholder changed")
			}
			last := sigs[len(sigs)-1]
			if last.ranges[2]+last.ranges[3] != int64(len(out)) {
				t.Errorf("last signature %v does not reach the end (%d bytes)", last.ranges, len(out))
			}
			for i, s := range sigs {
				if err := s.verify(t, out); err != nil {
					t.Errorf("signature %d: %v", i+1, err)
				}
				si := s.sd.Signers[0]
				if !si.Certificate.Equal(ss[i].Certificate) {
					t.Errorf("signature %d: signer %s", i+1, si.Certificate.Subject)
				}
				want := map[string]string{"sm2": "SM2-SM3", "p256": "ECDSA-P256-SHA256"}[c.algs[i]]
				if si.AlgorithmName() != want {
					t.Errorf("signature %d: %s, want %s", i+1, si.AlgorithmName(), want)
				}
				if !si.SigningTime.IsZero() {
					t.Errorf("signature %d: CMS carries signingTime %v; PAdES baseline takes the time from /M", i+1, si.SigningTime)
				}
				if _, ok := si.Attribute(cms.OIDAttributeSigningTime); ok {
					t.Errorf("signature %d: signingTime attribute present", i+1)
				}
				if i > 0 {
					prev := sigs[i-1]
					if s.ranges[2]+s.ranges[3] <= prev.ranges[2]+prev.ranges[3] {
						t.Errorf("signature %d does not extend signature %d", i+1, i)
					}
					// Each update rewrites the next spare field with /V.
					field := fmt.Sprintf("%d 0 obj\n%s", p.Spare[i-1].Object, strings.TrimSuffix(string(p.Spare[i-1].Dict), ">>"))
					v := fmt.Sprintf("/V %d 0 R >>", p.Revision.Size+i-1)
					if !bytes.Contains(out[prev.ranges[2]+prev.ranges[3]:], []byte(field+v)) {
						t.Errorf("update %d does not rewrite field %d with %s", i, p.Spare[i-1].Object, v)
					}
				}
			}
			if n := bytes.Count(out, []byte("%%EOF")); n != len(c.algs) {
				t.Errorf("%d %%%%EOF markers, want one per revision (%d)", n, len(c.algs))
			}
			checkQPDF(t, out)
			checkPdfsig(t, out, sigs, c.algs)
		})
	}
}

// checkQPDF runs `qpdf --check` on a sealed file.
func checkQPDF(t *testing.T, pdf []byte) {
	t.Helper()
	qpdf := testutil.NeedTool(t, "qpdf")
	f := filepath.Join(t.TempDir(), "sealed.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(qpdf, "--check", f).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors found") || strings.Contains(string(out), "WARNING") {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	}
}

// checkPdfsig runs poppler's pdfsig: it must list every signature with the
// byte ranges we wrote; P-256 signatures must be valid (poppler cannot
// check SM2: "Unrecognized Hash ID"); only the last covers the whole file.
func checkPdfsig(t *testing.T, pdf []byte, sigs []signature, algs []string) {
	t.Helper()
	pdfsig := testutil.NeedTool(t, "pdfsig")
	f := filepath.Join(t.TempDir(), "sealed.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	raw, _ := exec.Command(pdfsig, f).CombinedOutput()
	out := string(raw)
	blocks := strings.Split(out, "Signature #")[1:]
	signed := 0
	for _, b := range blocks {
		if !strings.Contains(b, "The signature form field is not signed") {
			blocks[signed] = b
			signed++
		}
	}
	if signed != len(sigs) {
		t.Fatalf("pdfsig lists %d signed fields, want %d:\n%s", signed, len(sigs), out)
	}
	for i, s := range sigs {
		b := blocks[i]
		ranges := fmt.Sprintf("Signed Ranges: [%d - %d], [%d - %d]", s.ranges[0], s.ranges[1], s.ranges[2], s.ranges[2]+s.ranges[3])
		if !strings.Contains(b, ranges) {
			t.Errorf("pdfsig signature %d: want %q in\n%s", i+1, ranges, b)
		}
		whole := "Not total document signed"
		if i == len(sigs)-1 {
			whole = "Total document signed"
		}
		if !strings.Contains(b, "- "+whole+"\n") {
			t.Errorf("pdfsig signature %d: want %q in\n%s", i+1, whole, b)
		}
		if !strings.Contains(b, "Signature Type: ETSI.CAdES.detached") {
			t.Errorf("pdfsig signature %d: not ETSI.CAdES.detached:\n%s", i+1, b)
		}
		if algs[i] == "p256" && (!strings.Contains(b, "Signature Validation: Signature is Valid.") || !strings.Contains(b, "Signing Hash Algorithm: SHA-256")) {
			t.Errorf("pdfsig signature %d (P-256) not valid:\n%s", i+1, b)
		}
	}
}

func TestSealFailuresReturnNothing(t *testing.T) {
	info := SigInfo{Name: "seal", Time: testNow}
	sm2 := sealerFor(t, "sm2", "sm2")
	p256 := sealerFor(t, "p256", "p256")
	mismatched := p256
	mismatched.Certificate = sm2.Certificate
	noTime := p256
	noTime.Info = SigInfo{Name: "no time"}

	cases := []struct {
		name    string
		p       *Prepared
		sealers []Sealer
		want    error
	}{
		{"contents too small", testPDF(2000, 1, 200, info), []Sealer{sm2}, ErrContentsTooSmall},
		{"contents too small for the second", testPDF(2000, 1, 200, info), []Sealer{p256, p256}, ErrContentsTooSmall},
		{"no spare field", testPDF(2000, 0, DefaultContentsLen, info), []Sealer{sm2, p256}, ErrNoSpareField},
		{"key of another certificate", testPDF(2000, 1, DefaultContentsLen, info), []Sealer{sm2, mismatched}, cms.ErrKeyMismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Seal(c.p, c.sealers)
			if !errors.Is(err, c.want) || out != nil {
				t.Errorf("Seal = %d bytes, %v; want nil, %v", len(out), err, c.want)
			}
		})
	}
	t.Run("no signing time", func(t *testing.T) {
		out, err := Seal(testPDF(2000, 1, DefaultContentsLen, info), []Sealer{p256, noTime})
		if err == nil || out != nil {
			t.Errorf("Seal = %d bytes, %v; want nil and an error", len(out), err)
		}
	})
	t.Run("placeholder off by one", func(t *testing.T) {
		p := testPDF(2000, 1, DefaultContentsLen, info)
		p.First = p.First.Shift(1)
		if out, err := Seal(p, []Sealer{sm2}); !errors.Is(err, ErrBadPlaceholder) || out != nil {
			t.Errorf("Seal = %d bytes, %v; want nil, ErrBadPlaceholder", len(out), err)
		}
	})
	t.Run("spare field with a value", func(t *testing.T) {
		p := testPDF(2000, 1, DefaultContentsLen, info)
		p.Spare[0].Dict = []byte("<< /FT /Sig /V 3 0 R >>")
		if out, err := Seal(p, []Sealer{sm2, sm2}); !errors.Is(err, ErrBadPlaceholder) || out != nil {
			t.Errorf("Seal = %d bytes, %v; want nil, ErrBadPlaceholder", len(out), err)
		}
	})
	t.Run("no sealers", func(t *testing.T) {
		if out, err := Seal(testPDF(2000, 1, DefaultContentsLen, info), nil); err == nil || out != nil {
			t.Errorf("Seal = %d bytes, %v", len(out), err)
		}
	})
}

// TestSealedTampering: a changed byte in a signed range fails with
// ErrDigestMismatch, a changed signature with ErrBadSignature.
func TestSealedTampering(t *testing.T) {
	for _, alg := range []string{"sm2", "p256"} {
		t.Run(alg, func(t *testing.T) {
			_, _, out := sealed(t, []string{alg})
			s := readSignatures(t, out)[0]
			if err := s.verify(t, out); err != nil {
				t.Fatal(err)
			}
			changed := bytes.Clone(out)
			i := bytes.Index(changed, []byte("test line 00042"))
			changed[i+14] = '3'
			if err := readSignatures(t, changed)[0].verify(t, changed); !errors.Is(err, cms.ErrDigestMismatch) {
				t.Errorf("changed content: %v, want ErrDigestMismatch", err)
			}
			changed = bytes.Clone(out)
			sigHex := []byte(fmt.Sprintf("%x", s.sd.Signers[0].Signature))
			j := bytes.Index(changed, sigHex)
			if j < 0 {
				t.Fatal("signature value not found in /Contents")
			}
			k := j + len(sigHex) - 3
			if changed[k] == '0' {
				changed[k] = '1'
			} else {
				changed[k] = '0'
			}
			if err := readSignatures(t, changed)[0].verify(t, changed); !errors.Is(err, cms.ErrBadSignature) {
				t.Errorf("changed signature: %v, want ErrBadSignature", err)
			}
		})
	}
}

// TestSealConcurrent seals one Prepared from several goroutines: each
// result verifies and the Prepared is left untouched.
func TestSealConcurrent(t *testing.T) {
	p := testPDF(20000, 1, DefaultContentsLen, SigInfo{Name: "seal", Time: testNow})
	before := bytes.Clone(p.PDF)
	ss := []Sealer{sealerFor(t, "sm2", "a"), sealerFor(t, "p256", "b")}
	outs := make([][]byte, 8)
	errs := make([]error, len(outs))
	var wg sync.WaitGroup
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = Seal(p, ss)
		}()
	}
	wg.Wait()
	for i, out := range outs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		for j, s := range readSignatures(t, out) {
			if err := s.verify(t, out); err != nil {
				t.Errorf("result %d, signature %d: %v", i, j+1, err)
			}
		}
	}
	if !bytes.Equal(p.PDF, before) {
		t.Error("the prepared PDF changed")
	}
}
