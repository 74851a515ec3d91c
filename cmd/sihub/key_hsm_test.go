//go:build cgo

package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/smx509"

	"sihub/app"
	"sihub/hsm"
)

var importedLine = regexp.MustCompile(`^imported=([0-9a-f]+) from=(\S+) alg=p256\n$`)

// The ceremony that moves a software key into a token: the P-256 seal key
// of the instance's keystore is wrapped for the SoftHSM2 token's transport
// key, unwrapped inside the token, and the token's key then makes
// signatures the seal certificate verifies.
func TestKeyExportImportSoftHSM(t *testing.T) {
	uri := softHSMToken(t, "sihub-import")
	dir := newInstanceBefore(t)

	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	v, err := app.OpenVerification(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	seals, err := v.Store.ListSeals(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var keyID, certSerial string
	for _, s := range seals {
		if s.Alg == "p256" {
			keyID, certSerial = s.KeyID, s.CertSerial
		}
	}
	rec, err := v.Store.Certificate(context.Background(), certSerial)
	v.Close()
	if err != nil || keyID == "" {
		t.Fatalf("no P-256 seal: %v", err)
	}
	sealCert, err := smx509.ParseCertificate(rec.DER)
	if err != nil {
		t.Fatal(err)
	}

	transport, wrapped := filepath.Join(dir, "transport.pem"), filepath.Join(dir, "wrapped.pem")
	if code, out, stderr := sihub(t, "key", "transport", "--hsm", uri, "--out", transport); code != 0 || !strings.Contains(out, "bits=3072") {
		t.Fatalf("key transport: exit %d %s%s", code, out, stderr)
	}
	if code, out, stderr := sihub(t, "key", "export", "--id", keyID, "--wrap-for", transport, "--out", wrapped, "--as", "ceremony"); code != 0 {
		t.Fatalf("key export: exit %d %s%s", code, out, stderr)
	}
	code, out, stderr := sihub(t, "key", "import", "--hsm", uri, "--in", wrapped, "--label", "moved seal key", "--as", "ceremony")
	m := importedLine.FindStringSubmatch(out)
	if code != 0 || m == nil || m[2] != keyID {
		t.Fatalf("key import: exit %d %s%s", code, out, stderr)
	}

	b, err := hsm.Open(context.Background(), uri)
	if err != nil {
		t.Fatal(err)
	}
	defer b.(interface{ Close() error }).Close()
	k, err := b.Find(context.Background(), m[1])
	if err != nil {
		t.Fatalf("the imported key is not in the token: %v", err)
	}
	d := sha256.Sum256([]byte("sealed inside the token"))
	sig, err := k.Sign(rand.Reader, d[:], nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ecdsa.VerifyASN1(sealCert.PublicKey.(*ecdsa.PublicKey), d[:], sig) {
		t.Fatal("the token's imported key does not sign for the seal certificate")
	}

	// A bundle altered in transit is refused by the token.
	bundle, err := os.ReadFile(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	w, err := app.ParseWrappedKey(bundle)
	if err != nil {
		t.Fatal(err)
	}
	w.Wrapped[len(w.Wrapped)-3] ^= 0x40
	bad, err := w.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	badFile := filepath.Join(dir, "bad.pem")
	os.WriteFile(badFile, bad, 0o600)
	if code, out, _ := sihub(t, "key", "import", "--hsm", uri, "--in", badFile); code != 2 || out != "" {
		t.Fatalf("import of an altered bundle: exit %d %s", code, out)
	}
	// Keys that are not in the software keystore cannot be exported.
	if code, _, _ := sihub(t, "key", "export", "--id", "no-such-key", "--wrap-for", transport, "--out", filepath.Join(dir, "x.pem")); code != 2 {
		t.Fatalf("export of an unknown key: exit %d", code)
	}

	exports, imports := auditEntries(t, "key.export"), auditEntries(t, "key.import")
	if len(exports) != 2 || exports[0].Object != keyID || exports[0].Actor != "ceremony" || exports[0].Outcome != "ok" || exports[1].Outcome != "failed" {
		t.Fatalf("key.export audit entries %+v", exports)
	}
	if len(imports) != 2 || imports[0].Object != m[1] || imports[0].Outcome != "ok" || imports[1].Outcome != "failed" ||
		!strings.Contains(imports[0].Detail, "from="+keyID) {
		t.Fatalf("key.import audit entries %+v", imports)
	}
	for _, e := range append(exports, imports...) {
		if strings.Contains(e.Detail, "4711-ca") {
			t.Fatalf("a PIN in the audit trail: %+v", e)
		}
	}
}
