package seal

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
)

func TestReferenceRoundTrip(t *testing.T) {
	d := make([]byte, 32)
	rand.Read(d)
	der, err := Reference{Digest: d, ESID: "110000abcdef"}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseReference(der)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.Digest, d) || r.ESID != "110000abcdef" {
		t.Fatalf("round trip gave %x %q", r.Digest, r.ESID)
	}
	if _, err := (Reference{Digest: d[:20]}).Marshal(); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("short digest: %v", err)
	}
	bad := bytes.Clone(der)
	bad[len(bad)-1] ^= 0x80 // esID byte outside IA5
	if _, err := ParseReference(bad); !errors.Is(err, ErrMalformed) {
		t.Fatalf("non-IA5 esID: %v", err)
	}
	if _, err := ParseReference(append(bytes.Clone(der), 0)); !errors.Is(err, ErrMalformed) {
		t.Fatalf("trailing byte: %v", err)
	}
	if _, err := ParseReference(make([]byte, MaxReferenceSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized: %v", err)
	}
}
