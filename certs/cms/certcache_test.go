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

// ParseCertificate reads through the cache Parse fills: a certificate
// embedded in a signature and met again on its own (a PDF's DSS) is the
// same parsed certificate, and a fresh one is parsed and then shared.
func TestParseCertificateSharesParsesCache(t *testing.T) {
	p := testPKI(t, "p256")
	sd, err := Parse(signContent(t, p, randomContent(t, 64), nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(sd.Certificates) == 0 {
		t.Fatal("no embedded certificates")
	}
	for i, c := range sd.Certificates {
		got, err := ParseCertificate(bytes.Clone(c.Raw))
		if err != nil {
			t.Fatal(err)
		}
		if got != c {
			t.Errorf("certificate %d parsed again instead of shared", i)
		}
	}
	certCache.Lock()
	clear(certCache.m)
	certCache.Unlock()
	first, err := ParseCertificate(bytes.Clone(sd.Certificates[0].Raw))
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := ParseCertificate(sd.Certificates[0].Raw); again != first {
		t.Error("a certificate parsed on its own is not cached")
	}
	if _, err := ParseCertificate([]byte{0x30, 0x03, 0x02, 0x01, 0x01}); err == nil {
		t.Error("a malformed certificate parses")
	}
}
