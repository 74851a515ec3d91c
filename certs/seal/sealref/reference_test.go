package sealref

import (
	"bytes"
	"errors"
	"testing"
)

func TestReference(t *testing.T) {
	d := bytes.Repeat([]byte{0xa5}, 32)
	der, err := Reference{Digest: d, ESID: "110000abcdef"}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseReference(der)
	if err != nil || !bytes.Equal(r.Digest, d) || r.ESID != "110000abcdef" {
		t.Fatalf("round trip gave %x %q, %v", r.Digest, r.ESID, err)
	}
	if _, err := (Reference{Digest: d[:20]}).Marshal(); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("short digest: %v", err)
	}
	bad := bytes.Clone(der)
	bad[len(bad)-1] ^= 0x80 // esID byte outside IA5
	if _, err := ParseReference(bad); !errors.Is(err, ErrMalformed) {
		t.Errorf("non-IA5 esID: %v", err)
	}
	if _, err := ParseReference(append(bytes.Clone(der), 0)); !errors.Is(err, ErrMalformed) {
		t.Errorf("trailing byte: %v", err)
	}
	if _, err := ParseReference(make([]byte, MaxReferenceSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized: %v", err)
	}
	sha256OID := bytes.Replace(der, []byte{0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11}, []byte{0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x12}, 1)
	if bytes.Equal(sha256OID, der) {
		t.Fatal("the SM3 OID is not where the test expects it")
	}
	if _, err := ParseReference(sha256OID); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("other hash OID: %v", err)
	}
}

// FuzzParseReference: the parser never panics, and what it accepts is
// exactly what Marshal writes for the result.
func FuzzParseReference(f *testing.F) {
	for _, esid := range []string{"", "110000abcdef", "a seal id of some length 0123456789"} {
		der, err := Reference{Digest: bytes.Repeat([]byte{7}, 32), ESID: esid}.Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		r, err := ParseReference(der)
		if err != nil {
			return
		}
		back, err := r.Marshal()
		if err != nil || !bytes.Equal(back, der) {
			t.Fatalf("accepted %x, which Marshal writes as %x (%v)", der, back, err)
		}
	})
}
