package clifile

import (
	"bytes"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"sihub/internal/testutil"
)

func TestReadCapped(t *testing.T) {
	dir := t.TempDir()
	data := bytes.Repeat([]byte("sihub"), 200) // 1000 bytes
	p := testutil.WriteFile(t, dir, "f.pdf", data)
	for _, max := range []int64{1000, 1001, 1 << 20} {
		b, err := ReadCapped(p, max)
		if err != nil || !bytes.Equal(b, data) {
			t.Errorf("max %d: %d bytes, %v", max, len(b), err)
		}
	}
	if _, err := ReadCapped(p, 999); err == nil {
		t.Error("a file one byte over the cap was read")
	}
	if b, err := ReadCapped(testutil.WriteFile(t, dir, "empty", nil), 10); err != nil || len(b) != 0 {
		t.Errorf("empty file: %q, %v", b, err)
	}
	if _, err := ReadCapped(filepath.Join(dir, "missing"), 10); err == nil {
		t.Error("a missing file was read")
	}
}

func TestParsePEMCertificates(t *testing.T) {
	// An SM2 root and leaf from the Tongsuo samples, with a key and a
	// request between them that are skipped.
	var bundle []byte
	for _, name := range []string{"sm2-root-cert.pem", "sm2-first-key.pem", "sm2-csr.pem", "sm2-cert.pem"} {
		b, err := os.ReadFile(testutil.Corpora(t, "crypto", "sm", "tongsuo", "certs", name))
		if err != nil {
			t.Fatal(err)
		}
		bundle = append(bundle, b...)
	}
	cs, err := ParsePEMCertificates(bundle)
	if err != nil || len(cs) != 2 || bytes.Equal(cs[0].Raw, cs[1].Raw) {
		t.Fatalf("Tongsuo bundle: %d certificates, %v", len(cs), err)
	}
	if _, err := ParsePEMCertificates([]byte("# a note\nno block here\n")); !errors.Is(err, ErrNoCertificate) {
		t.Fatalf("no block: %v", err)
	}
	bad := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x03, 0x02, 0x01, 0x01}})
	if _, err := ParsePEMCertificates(bad); err == nil || errors.Is(err, ErrNoCertificate) {
		t.Fatalf("a block that is no certificate: %v", err)
	}
}

// FuzzParsePEMCertificates: any bundle gives certificates or an error,
// never a panic; a result is never empty without an error.
func FuzzParsePEMCertificates(f *testing.F) {
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n"))
	f.Add([]byte("# roots\n-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := ParsePEMCertificates(b)
		if err == nil && len(cs) == 0 {
			t.Fatal("no certificates and no error")
		}
	})
}
