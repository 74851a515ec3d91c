package pades

import (
	"encoding/hex"
	"regexp"
	"strconv"
	"testing"

	"sihub/certs/cms"
	"sihub/certs/cms/cmstest"
)

// testPKI returns a hierarchy for alg, created once per test binary.
func testPKI(t testing.TB, alg string) *cmstest.PKI {
	t.Helper()
	p, err := cmstest.Shared(alg, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func sealerFor(t testing.TB, alg, name string) Sealer {
	p := testPKI(t, alg)
	return Sealer{Key: p.LeafKey, Certificate: p.Leaf, Chain: p.Chain(),
		Info: SigInfo{Name: name, Reason: "参保证明", Location: "Beijing", Time: testNow}}
}

// signature is one signature read back from a sealed file.
type signature struct {
	ranges   [4]int64
	contents []byte // the hex string's bytes between '<' and '>'
	sd       *cms.SignedData
}

var byteRangeRE = regexp.MustCompile(`/ByteRange \[(\d+) (\d+) (\d+) (\d+) *\]`)

// readSignatures finds every /ByteRange in pdf and parses the CMS between
// the ranges, independently of Seal's own bookkeeping.
func readSignatures(t testing.TB, pdf []byte) []signature {
	t.Helper()
	var out []signature
	for _, m := range byteRangeRE.FindAllSubmatch(pdf, -1) {
		var s signature
		for i := range s.ranges {
			v, err := strconv.ParseInt(string(m[i+1]), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			s.ranges[i] = v
		}
		a, b := s.ranges[1], s.ranges[2]
		if s.ranges[0] != 0 || a <= 0 || b <= a || b+s.ranges[3] > int64(len(pdf)) || pdf[a] != '<' || pdf[b-1] != '>' {
			t.Fatalf("byte range %v does not frame a hex string", s.ranges)
		}
		s.contents = pdf[a+1 : b-1]
		der := make([]byte, len(s.contents)/2)
		if _, err := hexDecode(der, s.contents); err != nil {
			t.Fatal(err)
		}
		sd, err := cms.Parse(der)
		if err != nil {
			t.Fatalf("CMS of %v: %v", s.ranges, err)
		}
		s.sd = sd
		out = append(out, s)
	}
	return out
}

// rangesOf returns the bytes a signature covers.
func (s signature) signedBytes(pdf []byte) []byte {
	out := append([]byte{}, pdf[s.ranges[0]:s.ranges[0]+s.ranges[1]]...)
	return append(out, pdf[s.ranges[2]:s.ranges[2]+s.ranges[3]]...)
}

// verify checks the signature's only signer over pdf.
func (s signature) verify(t testing.TB, pdf []byte) error {
	t.Helper()
	if len(s.sd.Signers) != 1 {
		t.Fatalf("%d signers", len(s.sd.Signers))
	}
	si := s.sd.Signers[0]
	h, err := si.NewHash()
	if err != nil {
		t.Fatal(err)
	}
	h.Write(pdf[s.ranges[0] : s.ranges[0]+s.ranges[1]])
	h.Write(pdf[s.ranges[2] : s.ranges[2]+s.ranges[3]])
	return si.Verify(h.Sum(nil))
}

func hexDecode(dst, src []byte) (int, error) { return hex.Decode(dst, src) }
