package servicestest

import (
	"bytes"
	"crypto/x509"
	"io"
	"net/http"
	"testing"

	"github.com/emmansun/gmsm/smx509"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP %d", resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func toEntries(rl *smx509.RevocationList) []x509.RevocationListEntry {
	return rl.RevokedCertificateEntries
}
