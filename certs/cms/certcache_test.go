package cms

import (
	"bytes"
	"testing"
)

// The same certificates embedded in two signatures are parsed once and
// shared, and a cached certificate keeps its own DER: overwriting the
// input it was first parsed from does not change it.
func TestParseSharesCertificatesAndCopiesTheirDER(t *testing.T) {
	p := testPKI(t, "sm2")
	der := signContent(t, p, randomContent(t, 64), nil)
	// Start from an empty cache, so the first Parse below is the one that
	// fills it from input.
	certCache.Lock()
	clear(certCache.m)
	certCache.Unlock()
	input := bytes.Clone(der)
	first, err := Parse(input)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Parse(bytes.Clone(der))
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Certificates) == 0 || len(first.Certificates) != len(second.Certificates) {
		t.Fatalf("%d and %d certificates", len(first.Certificates), len(second.Certificates))
	}
	for i := range first.Certificates {
		if first.Certificates[i] != second.Certificates[i] {
			t.Errorf("certificate %d parsed twice", i)
		}
	}
	want := bytes.Clone(second.Certificates[0].Raw)
	clear(input)
	if !bytes.Equal(second.Certificates[0].Raw, want) {
		t.Fatal("a cached certificate aliases the buffer it was parsed from")
	}
}
