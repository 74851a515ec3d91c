package cms

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// pdfSignature is one signature found in a PDF by its /ByteRange.
type pdfSignature struct {
	file     string
	ranges   [4]int64
	contents []byte // DER from the /Contents hex string
	pdf      []byte
}

var byteRangeRE = regexp.MustCompile(`/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]`)

// pdfSignatures finds signatures whose /ByteRange is written in plain
// text (not inside compressed object streams) and reads their /Contents
// from the gap between the two ranges.
func pdfSignatures(file string, pdf []byte) []pdfSignature {
	var out []pdfSignature
	for _, m := range byteRangeRE.FindAllSubmatch(pdf, -1) {
		var br [4]int64
		for i := range br {
			br[i], _ = strconv.ParseInt(string(m[i+1]), 10, 64)
		}
		start, end := br[0]+br[1], br[2]
		if br[0] != 0 || start < 0 || end <= start || end > int64(len(pdf)) || br[2]+br[3] > int64(len(pdf)) {
			continue
		}
		h := strings.Map(func(r rune) rune {
			if strings.ContainsRune(" \r\n\t", r) {
				return -1
			}
			return r
		}, string(pdf[start:end]))
		if len(h) < 2 || h[0] != '<' || h[len(h)-1] != '>' {
			continue
		}
		h = h[1 : len(h)-1]
		if len(h)%2 == 1 {
			h += "0"
		}
		der, err := hex.DecodeString(h)
		if err != nil {
			continue
		}
		out = append(out, pdfSignature{file: file, ranges: br, contents: der, pdf: pdf})
	}
	return out
}

// corpusSignatures returns the signatures of the signed PDFs in the
// shared corpora.
func corpusSignatures(t testing.TB) []pdfSignature {
	t.Helper()
	root := filepath.Join(corpora(t), "pdf")
	var sigs []pdfSignature
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".pdf") {
			return err
		}
		pdf, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		sigs = append(sigs, pdfSignatures(rel, pdf)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sigs
}

// TestCorpusPDFSignatures parses every signature of the third-party PDFs
// and verifies each signer: signatures against the digest of the signed
// byte ranges, document time-stamp tokens against their TSTInfo. Every
// file in the corpora is a valid signed PDF by its upstream's account, so
// a signer may only fail for an algorithm this package refuses or lacks
// (Ed25519/Ed448, plain ECDSA on brainpool curves, SHA-1, RSA exponents
// beyond 2^31) — never with a digest or signature mismatch.
func TestCorpusPDFSignatures(t *testing.T) {
	sigs := corpusSignatures(t)
	if len(sigs) < 50 {
		t.Fatalf("only %d signatures found in the corpora", len(sigs))
	}
	verified, timestamps := 0, 0
	for _, s := range sigs {
		sd, err := Parse(s.contents)
		if err != nil {
			t.Errorf("%s: Parse: %v", s.file, err)
			continue
		}
		if len(sd.Signers) == 0 {
			t.Errorf("%s: no signers", s.file)
		}
		for _, si := range sd.Signers {
			err := verifyCorpusSigner(sd, si, s)
			switch {
			case err == nil:
				verified++
				if sd.ContentType.Equal(OIDTSTInfo) {
					timestamps++
				}
			case errors.Is(err, ErrUnsupportedAlgorithm), errors.Is(err, ErrWeakAlgorithm):
				t.Logf("%s: %s: %v", s.file, si.AlgorithmName(), err)
			case errors.Is(err, ErrSignerNotFound) && len(sd.RawCertificates) > len(sd.Certificates):
				t.Logf("%s: %s: %v (a certificate did not parse)", s.file, si.AlgorithmName(), err)
			default:
				t.Errorf("%s: %s: %v", s.file, si.AlgorithmName(), err)
			}
		}
	}
	t.Logf("%d signatures, %d signers verified (%d time-stamp tokens)", len(sigs), verified, timestamps)
	if verified < len(sigs)*3/4 || timestamps == 0 {
		t.Errorf("only %d of %d signers verified, %d time-stamp tokens", verified, len(sigs), timestamps)
	}
}

func verifyCorpusSigner(sd *SignedData, si *SignerInfo, s pdfSignature) error {
	h, err := si.NewHash()
	if err != nil {
		return err
	}
	if sd.ContentType.Equal(OIDTSTInfo) {
		h.Write(sd.Content)
	} else {
		h.Write(s.pdf[s.ranges[0] : s.ranges[0]+s.ranges[1]])
		h.Write(s.pdf[s.ranges[2] : s.ranges[2]+s.ranges[3]])
	}
	return si.Verify(h.Sum(nil))
}
