package render

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPlaceholderTakesSignature fills the placeholder the way the sealer
// does, with a CMS made by openssl over the byte ranges, and has pdfsig
// check the result: the field, widget and dictionary must be what a
// reader expects.
func TestPlaceholderTakesSignature(t *testing.T) {
	p := render(t, sampleCertificate(24), 2)
	pdf := append([]byte(nil), p.PDF...)
	ph := p.First
	a, b := ph.Contents, ph.Contents+ph.ContentsLen
	br := "[0 " + strconv.Itoa(a) + " " + strconv.Itoa(b) + " " + strconv.Itoa(len(pdf)-b)
	br += strings.Repeat(" ", ph.ByteRangeLen-len(br)-1) + "]"
	copy(pdf[ph.ByteRange:], br)

	dir := t.TempDir()
	signed := append(append([]byte(nil), pdf[:a]...), pdf[b:]...)
	in := filepath.Join(dir, "in")
	os.WriteFile(in, signed, 0o600)
	key, cert, sig := filepath.Join(dir, "k.pem"), filepath.Join(dir, "c.pem"), filepath.Join(dir, "s.der")
	run(t, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-subj", "/CN=sihub test seal", "-days", "2", "-keyout", key, "-out", cert)
	run(t, "openssl", "cms", "-sign", "-binary", "-md", "sha256", "-in", in, "-signer", cert, "-inkey", key,
		"-outform", "DER", "-out", sig)
	der, err := os.ReadFile(sig)
	if err != nil {
		t.Fatal(err)
	}
	h := hex.EncodeToString(der)
	if len(h) > ph.ContentsLen-2 {
		t.Fatalf("CMS of %d bytes does not fit", len(der))
	}
	copy(pdf[a+1:], h)

	out := string(run(t, "pdfsig", writeTemp(t, "signed.pdf", pdf)))
	for _, s := range []string{"Signature #1", "Signature Validation: Signature is Valid.", "Total document signed",
		"Signature Type: ETSI.CAdES.detached", "Signer Certificate Common Name: sihub test seal"} {
		if !strings.Contains(out, s) {
			t.Errorf("pdfsig output lacks %q:\n%s", s, out)
		}
	}
	// The spare field is there, unsigned, for the next seal.
	if i := strings.Index(out, "Signature #2"); i < 0 || !strings.Contains(out[i:], "Seal2") ||
		!strings.Contains(out[i:], "not signed") {
		t.Errorf("pdfsig does not show Seal2 as an unsigned field:\n%s", out)
	}
}
