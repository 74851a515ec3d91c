package app

import (
	"testing"
	"time"
)

// FuzzRevocationResponses feeds arbitrary bytes to the OCSP and CRL
// readers as a foreign responder's answer: they must not panic, and
// nothing but a verified answer may come back without an error.
func FuzzRevocationResponses(f *testing.F) {
	now := time.Now().UTC().Truncate(time.Second)
	srv := newPKIServer(f)
	ca := newForeignCA(f, "p256", srv.URL, "fuzz", now)
	cert := ca.seal(f, "seal")
	f.Add(ca.ocspResponse(f, cert, now))
	f.Add([]byte{0x30, 0x03, 0x0a, 0x01, 0x00})
	f.Add([]byte("not DER"))
	f.Fuzz(func(t *testing.T, der []byte) {
		if a, err := readOCSP(der, cert, ca.issuing, now); err == nil && a.state.String() == "invalid" {
			t.Fatalf("an OCSP answer with state %d", a.state)
		}
		if l, err := readCRL(der, ca.issuing, now); err == nil && l.revoked == nil {
			t.Fatal("a CRL read without its entries")
		}
	})
}
