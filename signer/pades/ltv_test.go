package pades

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sihub/certs/cms"
	"sihub/internal/testutil"
)

// stampDigest returns a token from the OpenSSL TSA over a SHA-256 digest.
func (a *openSSLTSA) stampDigest(digest []byte) ([]byte, error) {
	q := filepath.Join(a.dir, "qd.tsq")
	tok := filepath.Join(a.dir, "tokd.der")
	if o, err := exec.Command(a.openssl, "ts", "-query", "-digest", hex.EncodeToString(digest), "-sha256", "-cert", "-out", q).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ts -query: %v: %s", err, o)
	}
	if o, err := exec.Command(a.openssl, "ts", "-reply", "-config", a.config, "-queryfile", q, "-token_out", "-out", tok).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ts -reply: %v: %s", err, o)
	}
	return os.ReadFile(tok)
}

// TestLTVUpdates seals a P-256 document with a signature timestamp, adds a
// DSS and then a document timestamp, and checks the result with our own
// reading, qpdf, pdfsig and openssl.
func TestLTVUpdates(t *testing.T) {
	tsa := newOpenSSLTSA(t)
	p := testPDF(20000, 0, DefaultContentsLen, SigInfo{Name: "seal", Time: testNow})
	s := sealerFor(t, "p256", "seal")
	s.TimeStamp = tsa.stamp
	sealedPDF, err := Seal(p, []Sealer{s})
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := Signatures(sealedPDF)
	if err != nil || len(sigs) != 1 || sigs[0].Type != "Sig" {
		t.Fatalf("Signatures = %+v, %v", sigs, err)
	}
	fakeOCSP, fakeCRL := []byte("ocsp response bytes"), []byte("crl bytes")
	val := Validation{Contents: sigs[0].Contents, Certs: [][]byte{s.Certificate.Raw, s.Chain[0].Raw, s.Certificate.Raw},
		OCSPs: [][]byte{fakeOCSP}, CRLs: [][]byte{fakeCRL}}
	withDSS, err := AppendDSS(sealedPDF, []Validation{val}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(withDSS, sealedPDF) {
		t.Fatal("AppendDSS changed the signed bytes")
	}
	upd := string(withDSS[len(sealedPDF):])
	key := VRIKey(sigs[0].Contents)
	sum := sha1Hex(sigs[0].Contents)
	if key != strings.ToUpper(sum) || !strings.Contains(upd, "/VRI << /"+key+" <<") {
		t.Errorf("VRI key %s (want upper-case SHA-1 %s) not in the update:\n%s", key, sum, upd)
	}
	if n := strings.Count(upd, "stream\n"+string(s.Certificate.Raw)); n != 1 {
		t.Errorf("the signer certificate is stored %d times, want once", n)
	}
	for _, want := range []string{"/Type /DSS", "/Certs [", "/OCSPs [", "/CRLs [", string(fakeOCSP), string(fakeCRL), "/DSS "} {
		if !strings.Contains(upd, want) {
			t.Errorf("update lacks %q", want)
		}
	}
	if _, err := AppendDSS(withDSS, []Validation{val}, testNow); !errors.Is(err, ErrUnsupportedFile) {
		t.Errorf("second DSS: %v, want ErrUnsupportedFile", err)
	}

	lta, err := AppendDocTimeStamp(withDSS, DocTimeStamp{NewHash: sha256.New, Stamp: tsa.stampDigest})
	if err != nil {
		t.Fatal(err)
	}
	all, err := Signatures(lta)
	if err != nil || len(all) != 2 || all[1].Type != "DocTimeStamp" {
		t.Fatalf("Signatures after the document timestamp = %d, %v", len(all), err)
	}
	m := regexp.MustCompile(`/ByteRange \[(\d+) (\d+) (\d+) (\d+) *\]`).FindAllSubmatch(lta, -1)
	if len(m) != 2 {
		t.Fatalf("%d byte ranges", len(m))
	}
	var br [4]int64
	for i := range br {
		fmt.Sscan(string(m[1][i+1]), &br[i])
	}
	if br[2]+br[3] != int64(len(lta)) {
		t.Errorf("document timestamp range %v does not end at %d", br, len(lta))
	}
	tok, err := cms.Parse(all[1].Contents)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	h.Write(lta[:br[1]])
	h.Write(lta[br[2]:])
	if !bytes.Contains(tok.Content, h.Sum(nil)) {
		t.Error("the document timestamp's imprint is not the SHA-256 of its byte ranges")
	}
	checkQPDF(t, lta)

	dir := t.TempDir()
	data := write(t, dir, "covered.bin", append(append([]byte{}, lta[:br[1]]...), lta[br[2]:]...))
	tokFile := write(t, dir, "doc.tst", bytes.TrimRight(tok.Raw, "\x00"))
	o, err := exec.Command(tsa.openssl, "ts", "-verify", "-data", data, "-in", tokFile, "-token_in", "-CAfile", tsa.cert).CombinedOutput()
	if err != nil || !strings.Contains(string(o), "Verification: OK") {
		t.Errorf("openssl ts -verify of the document timestamp: %v\n%s", err, o)
	}
	pdfsig := testutil.NeedTool(t, "pdfsig")
	f := write(t, dir, "lta.pdf", lta)
	raw, _ := exec.Command(pdfsig, f).CombinedOutput()
	out := string(raw)
	// poppler 22.12 reads the token (its signer) but calls the sub-filter
	// "unknown" and does not validate it.
	parts := strings.Split(out, "Signature #2")
	if len(parts) != 2 || !strings.Contains(parts[1], "Field Name: DocTimeStamp1") ||
		!strings.Contains(parts[1], "Common Name: sihub test TSA") || !strings.Contains(parts[1], "- Total document signed") {
		t.Errorf("pdfsig does not list the document timestamp:\n%s", out)
	}
	first := parts[0]
	if !strings.Contains(first, "Signature Validation: Signature is Valid.") {
		t.Errorf("pdfsig: the seal is no longer valid:\n%s", out)
	}
}

func sha1Hex(b []byte) string {
	s := sha1.Sum(b)
	return hex.EncodeToString(s[:])
}
