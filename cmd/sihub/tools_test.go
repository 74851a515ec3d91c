package main

import (
	"bytes"
	"encoding/hex"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/smx509"

	"sihub/app"
	"sihub/certs/cms"
	"sihub/internal/testutil"
)

var (
	byteRangeRe = regexp.MustCompile(`/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]`)
	contentsRe  = regexp.MustCompile(`/Contents\s*<([0-9A-Fa-f]+)>`)
)

// signatures returns the signed bytes and CMS of every signature in pdf,
// found independently of sihub's own PDF reader.
func signatures(t *testing.T, pdf []byte) (signed [][]byte, sds []*cms.SignedData) {
	t.Helper()
	brs := byteRangeRe.FindAllSubmatch(pdf, -1)
	cts := contentsRe.FindAllSubmatch(pdf, -1)
	if len(brs) == 0 || len(brs) != len(cts) {
		t.Fatalf("%d byte ranges and %d contents", len(brs), len(cts))
	}
	for i, m := range brs {
		var br [4]int
		for k := range br {
			br[k], _ = strconv.Atoi(string(m[k+1]))
		}
		signed = append(signed, append(bytes.Clone(pdf[br[0]:br[0]+br[1]]), pdf[br[2]:br[2]+br[3]]...))
		der, err := hex.DecodeString(string(cts[i][1]))
		if err != nil {
			t.Fatal(err)
		}
		sd, err := cms.Parse(der)
		if err != nil {
			t.Fatalf("signature %d: %v", i+1, err)
		}
		sds = append(sds, sd)
	}
	return signed, sds
}

// TestIssuedDocumentsPassIndependentTools checks the certificates sihub
// issues with tools that share no code with it: qpdf for the file
// structure, poppler's pdfsig for the P-256 seal, and OpenSSL for the SM2
// seal (signature over the signed attributes with the GM/T signer ID, SM3
// of the byte ranges) and for the certificates.
func TestIssuedDocumentsPassIndependentTools(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SIHUB_DATA", filepath.Join(dir, "data"))
	files := map[string]string{}
	for _, alg := range []string{"sm2", "p256", "sm2,p256"} {
		out := filepath.Join(dir, strings.ReplaceAll(alg, ",", "-")+".pdf")
		if code, _, stderr := sihub(t, "issue", "--subject", app.DemoPersonID, "--alg", alg, "--out", out); code != 0 {
			t.Fatalf("issue %s: %s", alg, stderr)
		}
		files[alg] = out
	}

	// English for use abroad: labels and dates follow the language, the
	// name stays in Chinese script.
	en := filepath.Join(dir, "en.pdf")
	if code, _, stderr := sihub(t, "issue", "--subject", app.DemoPersonID, "--lang", "en", "--out", en); code != 0 {
		t.Fatalf("issue --lang en: %s", stderr)
	}
	files["en"] = en
	txt, err := testutil.Run(t, "pdftotext", "-layout", en, "-")
	for _, want := range []string{"Social Insurance Certificate (Individual)", app.DemoPersonName, "Basic pension (employees)", "Contributing", "Page 1 of 1"} {
		if err != nil || !strings.Contains(txt, want) {
			t.Errorf("English certificate lacks %q (%v)", want, err)
		}
	}
	if strings.Contains(txt, "参保缴费") {
		t.Error("English certificate still has Chinese status words")
	}

	for alg, f := range files {
		if out, err := testutil.Run(t, "qpdf", "--check", f); err != nil || !strings.Contains(out, "No syntax or stream encoding errors") {
			t.Errorf("qpdf --check %s: %v\n%s", alg, err, out)
		}
	}

	// Certificates are B-LT: pdfsig sees the seal valid over all but the
	// DSS revision that follows it ("Not total document signed").
	out, err := testutil.Run(t, "pdfsig", files["p256"])
	if err != nil || !strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Not total document signed") {
		t.Errorf("pdfsig on the P-256 certificate: %v\n%s", err, out)
	}
	out, _ = testutil.Run(t, "pdfsig", files["sm2,p256"])
	if strings.Count(out, "Signature Field Name") != 2 || !strings.Contains(out[strings.Index(out, "Signature #2"):], "Signature is Valid") {
		t.Errorf("pdfsig on the SM2+P-256 certificate:\n%s", out)
	}

	pdf, err := os.ReadFile(files["sm2"])
	if err != nil {
		t.Fatal(err)
	}
	signed, sds := signatures(t, pdf)
	si, sd := sds[0].Signers[0], sds[0]
	if si.AlgorithmName() != "SM2-SM3" {
		t.Fatalf("algorithm %s", si.AlgorithmName())
	}
	pubDER, err := smx509.MarshalPKIXPublicKey(si.Certificate.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pub := testutil.WriteFile(t, dir, "pub.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	attrs := testutil.WriteFile(t, dir, "attrs.der", si.SignedAttributes)
	sig := testutil.WriteFile(t, dir, "sig.der", si.Signature)
	if out, err := testutil.Run(t, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-digest", "sm3",
		"-pkeyopt", "distid:1234567812345678", "-in", attrs, "-sigfile", sig); err != nil || !strings.Contains(out, "Signature Verified Successfully") {
		t.Errorf("openssl pkeyutl -verify of the SM2 seal: %v\n%s", err, out)
	}
	ranges := testutil.WriteFile(t, dir, "ranges.bin", signed[0])
	out, err = testutil.Run(t, "openssl", "dgst", "-sm3", "-r", ranges)
	if err != nil || strings.Fields(out)[0] != hex.EncodeToString(si.MessageDigest) {
		t.Errorf("openssl SM3 of the byte ranges %q, messageDigest %x (%v)", out, si.MessageDigest, err)
	}
	for i, c := range sd.Certificates {
		p := testutil.WriteFile(t, dir, "cert"+strconv.Itoa(i)+".pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
		if out, err := testutil.Run(t, "openssl", "x509", "-noout", "-text", "-in", p); err != nil || !strings.Contains(out, "Signature Algorithm: SM2-with-SM3") {
			t.Errorf("openssl x509 -text of embedded certificate %d: %v\n%s", i, err, out)
		}
	}
}
