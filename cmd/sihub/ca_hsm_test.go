//go:build cgo

package main

import (
	"context"
	"crypto"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/smx509"

	"sihub/app"
	"sihub/hsm"
	"sihub/internal/testutil"
	"sihub/model"
)

const softhsmModule = "/usr/lib/softhsm/libsofthsm2.so"

// softHSMToken makes a SoftHSM2 token under a private SOFTHSM2_CONF and
// returns a pkcs11: URI naming it, with its user PIN in a pin-source file.
func softHSMToken(t *testing.T, label string) string {
	t.Helper()
	util := testutil.NeedTool(t, "softhsm2-util")
	if _, err := os.Stat(softhsmModule); err != nil {
		if testutil.InCI() {
			t.Fatalf("SoftHSM2 module missing in CI: %v", err)
		}
		t.Skip("SoftHSM2 module not installed")
	}
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := testutil.WriteFile(t, dir, "softhsm2.conf", []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\n"))
	t.Setenv("SOFTHSM2_CONF", conf)
	if out, err := exec.Command(util, "--init-token", "--free", "--label", label, "--pin", "4711-ca", "--so-pin", "4712-so").CombinedOutput(); err != nil {
		t.Fatalf("softhsm2-util --init-token: %v\n%s", err, out)
	}
	pin := testutil.WriteFile(t, dir, "pin", []byte("4711-ca\n"))
	return "pkcs11:token=" + label + "?module-path=" + softhsmModule + "&pin-source=file:" + pin
}

// caRecord reads a certificate record of the instance.
func caRecord(t *testing.T, serial string) (model.Certificate, *smx509.Certificate) {
	t.Helper()
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	v, err := app.OpenVerification(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	rec, err := v.Store.Certificate(context.Background(), serial)
	if err != nil {
		t.Fatal(err)
	}
	c, err := smx509.ParseCertificate(rec.DER)
	if err != nil {
		t.Fatal(err)
	}
	return rec, c
}

// tokenHolds checks that the backend uri names holds key id with pub.
func tokenHolds(t *testing.T, uri, id string, pub crypto.PublicKey) {
	t.Helper()
	b, err := hsm.Open(context.Background(), uri)
	if err != nil {
		t.Fatalf("open the token: %v", err)
	}
	defer b.(io.Closer).Close()
	k, err := b.Find(context.Background(), id)
	if err != nil {
		t.Fatalf("the CA key %s is not in the token: %v", id, err)
	}
	if !k.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
		t.Fatal("the token's key is not the CA certificate's")
	}
}

// notInInstanceBackend checks that the instance's own keystore does not
// hold key id.
func notInInstanceBackend(t *testing.T, id string) {
	t.Helper()
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Keys.Find(context.Background(), id); !errors.Is(err, hsm.ErrKeyNotFound) {
		t.Fatalf("the instance keystore answers for the token's key %s: %v", id, err)
	}
}

// A key ceremony on SoftHSM2: the new P-256 issuing CA's key is generated
// in the token, its certificate is in the store with the token's URI, and
// the next start finds it there and seals under it.
func TestCAKeyCeremonySoftHSM(t *testing.T) {
	uri := softHSMToken(t, "sihub-ca")
	dir := newInstanceBefore(t)
	before := filepath.Join(dir, "before.pdf")
	issueAndVerify(t, "p256", before)

	code, out, stderr := sihub(t, "ca", "rotate", "--alg", "p256", "--hsm", uri, "--label", "示范 P-256 签发CA (SoftHSM2)", "--as", "ceremony")
	m := rotatedLine.FindStringSubmatch(out)
	if code != 0 || m == nil || m[5] != uri {
		t.Fatalf("ca rotate onto SoftHSM2: exit %d\n%s%s", code, out, stderr)
	}
	rec, cert := caRecord(t, m[1])
	if rec.KeyURI != uri || rec.KeyID != m[4] {
		t.Fatalf("record %s keeps KeyURI %q key %s", rec.Serial, rec.KeyURI, rec.KeyID)
	}
	tokenHolds(t, uri, rec.KeyID, cert.PublicKey)
	notInInstanceBackend(t, rec.KeyID)

	after := filepath.Join(dir, "after.pdf")
	issueAndVerify(t, "p256", after)
	if issuers := sealIssuers(t); !containsAll(issuers["p256"], m[1]) {
		t.Fatalf("no P-256 seal certificate under the SoftHSM2 CA: %v", issuers)
	}
	if code, r := verifyJSON(t, before); code != 0 || !r.Valid {
		t.Fatalf("the document sealed before the ceremony: exit %d, %+v", code, r)
	}
	used := false
	for _, e := range auditEntries(t, "key.sign") {
		used = used || e.Object == rec.KeyID
	}
	if !used {
		t.Fatalf("no key.sign audit entry for the token's CA key %s", rec.KeyID)
	}
	if _, list, _ := sihub(t, "ca", "list", "--role", "issuing"); !strings.Contains(list, uri) {
		t.Fatalf("ca list does not name the token:\n%s", list)
	}
	if strings.Contains(out+stderr, "4711-ca") {
		t.Fatal("the PIN reached the output")
	}
}

// sdfDevice builds the GM/T 0018 test device of hsm/sdf/testdata with an
// SM2 key at index 1 made by OpenSSL, and returns an sdf: URI for it (the
// access password in a pin-source file) and the key's PEM file.
func sdfDevice(t *testing.T) (uri, keyPEM string) {
	t.Helper()
	gcc := testutil.NeedTool(t, "gcc")
	openssl := testutil.NeedTool(t, "openssl")
	dir := t.TempDir()
	lib := filepath.Join(dir, "libsdftest.so")
	src := filepath.Join(testutil.RepoRoot(t), "hsm", "sdf", "testdata", "sdftest.c")
	if out, err := exec.Command(gcc, "-shared", "-fPIC", "-O2", "-DECCREF_LEN=64", "-o", lib, src, "-lcrypto").CombinedOutput(); err != nil {
		t.Fatalf("building the SDF test device (needs libssl-dev): %v\n%s", err, out)
	}
	keys := filepath.Join(dir, "keys")
	if err := os.Mkdir(keys, 0o700); err != nil {
		t.Fatal(err)
	}
	keyPEM = filepath.Join(keys, "sign1.pem")
	if out, err := exec.Command(openssl, "genpkey", "-algorithm", "SM2", "-out", keyPEM).CombinedOutput(); err != nil {
		t.Fatalf("openssl genpkey: %v\n%s", err, out)
	}
	const password = "口令-0018"
	t.Setenv("SDFTEST_KEYDIR", keys)
	t.Setenv("SDFTEST_PASSWORD", password)
	pin := testutil.WriteFile(t, dir, "password", []byte(password+"\n"))
	return "sdf:?module-path=" + lib + "&key-index=1&pin-source=" + pin, keyPEM
}

// A key ceremony on an SDF device: the device's SM2 key at index 1 is
// certified as the new issuing CA, the next start signs the SM2 seal's
// certificate with it, and OpenSSL accepts the chain.
func TestCAKeyCeremonySDF(t *testing.T) {
	uri, keyPEM := sdfDevice(t)
	dir := newInstanceBefore(t)
	before := filepath.Join(dir, "before.pdf")
	issueAndVerify(t, "sm2", before)

	// SDF devices do not generate keys through the API: name one.
	if code, out, _ := sihub(t, "ca", "rotate", "--alg", "sm2", "--hsm", uri); code != 2 || out != "" {
		t.Fatalf("rotation onto SDF without --key: exit %d %s", code, out)
	}
	code, out, stderr := sihub(t, "ca", "rotate", "--alg", "sm2", "--hsm", uri, "--key", "1", "--as", "ceremony")
	m := rotatedLine.FindStringSubmatch(out)
	if code != 0 || m == nil || m[4] != "1" || m[5] != uri {
		t.Fatalf("ca rotate onto the SDF device: exit %d\n%s%s", code, out, stderr)
	}
	rec, cert := caRecord(t, m[1])
	tokenHolds(t, uri, "1", cert.PublicKey)
	if rec.KeyURI != uri {
		t.Fatalf("KeyURI %q", rec.KeyURI)
	}
	// The same device key cannot be certified twice.
	if code, _, _ := sihub(t, "ca", "create", "--alg", "sm2", "--role", "issuing", "--hsm", uri, "--key", "1"); code != 2 {
		t.Fatalf("a second CA on the same device key: exit %d", code)
	}

	after := filepath.Join(dir, "after.pdf")
	issueAndVerify(t, "sm2", after)
	if code, r := verifyJSON(t, before); code != 0 || !r.Valid {
		t.Fatalf("the document sealed before the ceremony: exit %d, %+v", code, r)
	}

	// OpenSSL: the device key is the CA's, and the new seal certificate
	// chains through it to the root.
	openssl := testutil.NeedTool(t, "openssl")
	pub, err := exec.Command(openssl, "pkey", "-in", keyPEM, "-pubout", "-outform", "DER").Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(pub) != string(cert.RawSubjectPublicKeyInfo) {
		t.Fatal("the CA certificate's public key is not the device key's")
	}
	cfg, _ := app.FromEnv(os.Getenv)
	v, err := app.OpenVerification(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	seals, _ := v.Store.ListSeals(context.Background())
	var sealCert model.Certificate
	for _, s := range seals {
		if c, err := v.Store.Certificate(context.Background(), s.CertSerial); err == nil && c.IssuerSerial == m[1] {
			sealCert = c
		}
	}
	rootRec, _ := v.Store.Certificate(context.Background(), rec.IssuerSerial)
	v.Close()
	if sealCert.Serial == "" {
		t.Fatal("no seal certificate under the SDF CA")
	}
	pemOf := func(name string, der []byte) string {
		return testutil.WriteFile(t, dir, name, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	}
	// Link by link: OpenSSL 3.0 applies -vfyopt distid to the target
	// certificate only.
	rootPEM, issuingPEM, sealPEM := pemOf("root.pem", rootRec.DER), pemOf("issuing.pem", rec.DER), pemOf("seal.pem", sealCert.DER)
	for _, args := range [][]string{{"-CAfile", rootPEM, issuingPEM}, {"-partial_chain", "-CAfile", issuingPEM, sealPEM}} {
		out, err := exec.Command(openssl, append([]string{"verify", "-vfyopt", "distid:1234567812345678"}, args...)...).CombinedOutput()
		if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), ": OK") {
			t.Fatalf("openssl verify %v: %v\n%s", args, err, out)
		}
	}
}
