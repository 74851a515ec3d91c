package verifier

import (
	"encoding/pem"
	"errors"
	"testing"
)

func TestParseCertificatesPEM(t *testing.T) {
	sm2, p256 := testPKI(t, "sm2"), testPKI(t, "p256")
	var data []byte
	data = append(data, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: sm2.Root.Raw})...)
	data = append(data, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}})...)
	data = append(data, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p256.Root.Raw})...)
	certs, err := ParseCertificatesPEM(data)
	if err != nil || len(certs) != 2 || !certs[0].Equal(sm2.Root) || !certs[1].Equal(p256.Root) {
		t.Fatalf("got %d certificates, %v", len(certs), err)
	}
	if _, err := ParseCertificatesPEM([]byte("nothing")); !errors.Is(err, ErrNoCertificates) {
		t.Errorf("empty input: %v", err)
	}
	bad := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x03, 1, 2, 3}})
	if _, err := ParseCertificatesPEM(bad); err == nil || errors.Is(err, ErrNoCertificates) {
		t.Errorf("broken certificate: %v", err)
	}
}
