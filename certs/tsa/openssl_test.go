package tsa

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/internal/pkitest"
	"sihub/hsm"
	"sihub/internal/testutil"
)

// post sends a query file to the handler and writes the reply file.
func post(t *testing.T, srv *httptest.Server, query, reply string) {
	t.Helper()
	q, err := os.ReadFile(query)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Post(srv.URL+"/pki/tsa", "application/timestamp-query", bytes.NewReader(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/timestamp-reply" {
		t.Fatalf("handler: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if err := os.WriteFile(reply, body, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestOpenSSLTimestamp: openssl ts -query → the handler → openssl ts
// -reply -text and openssl ts -verify accept the P-256 token, with and
// without certReq.
func TestOpenSSLTimestamp(t *testing.T) {
	f := newFixture(t, hsm.P256)
	srv := httptest.NewServer(f.a.Handler())
	defer srv.Close()
	dir := t.TempDir()
	data := filepath.Join(dir, "data.bin")
	if err := os.WriteFile(data, []byte("参保证明 signature bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	root := pkitest.WritePEM(t, dir, "root", f.h.Root)
	untrusted := pkitest.WritePEM(t, dir, "untrusted", f.h.TSA, f.h.Issuing)
	for _, certReq := range []bool{true, false} {
		name := "no-certReq"
		args := []string{"ts", "-query", "-data", data, "-sha256"}
		if certReq {
			name = "certReq"
			args = append(args, "-cert")
		}
		t.Run(name, func(t *testing.T) {
			q, r := filepath.Join(dir, name+".tsq"), filepath.Join(dir, name+".tsr")
			if out, err := pkitest.OpenSSL(t, append(args, "-out", q)...); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			post(t, srv, q, r)
			out, err := pkitest.OpenSSL(t, "ts", "-reply", "-in", r, "-text")
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, w := range []string{"Status: Granted.", "Policy OID: 2.999.7447.3161.1", "Hash Algorithm: sha256",
				"Time stamp: Mar  1 09:30:00.123 2026 GMT", "Accuracy: 0x01 seconds, unspecified millis, unspecified micros", "Nonce: 0x"} {
				if !strings.Contains(out, w) {
					t.Errorf("reply lacks %q:\n%s", w, out)
				}
			}
			out, err = pkitest.OpenSSL(t, "ts", "-verify", "-data", data, "-in", r, "-CAfile", root, "-untrusted", untrusted, "-attime", "1772357400")
			if err != nil || !strings.Contains(out, "Verification: OK") {
				t.Fatalf("openssl ts -verify: %v\n%s", err, out)
			}
			// Other data does not verify.
			other := filepath.Join(dir, "other.bin")
			if err := os.WriteFile(other, []byte("something else"), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := pkitest.OpenSSL(t, "ts", "-verify", "-data", other, "-in", r, "-CAfile", root, "-untrusted", untrusted, "-attime", "1772357400"); err == nil || strings.Contains(out, "Verification: OK") {
				t.Fatalf("other data verified:\n%s", out)
			}
		})
	}
	// A SHA-1 query is rejected with badAlg.
	q, r := filepath.Join(dir, "sha1.tsq"), filepath.Join(dir, "sha1.tsr")
	if out, err := pkitest.OpenSSL(t, "ts", "-query", "-data", data, "-sha1", "-out", q); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	post(t, srv, q, r)
	out, err := pkitest.OpenSSL(t, "ts", "-reply", "-in", r, "-text")
	if err != nil || !strings.Contains(out, "Status: Rejected") || !strings.Contains(out, "unrecognized or unsupported algorithm identifier") {
		t.Fatalf("SHA-1 reply: %v\n%s", err, out)
	}
}

// TestOpenSSLSM2Token: OpenSSL 3.0 reads the SM2 reply, and its SM2
// primitive (pkeyutl, distid 1234567812345678) accepts the signature over
// the signed attributes; `openssl ts -verify` goes through CMS, which
// cannot set the SM2 signer ID.
func TestOpenSSLSM2Token(t *testing.T) {
	f := newFixture(t, hsm.SM2)
	data := []byte("SM2 sealed document signature")
	der, _ := (&Request{Hash: SM3, HashedMessage: imprintOf(SM3, data), CertReq: true}).Marshal()
	reply := f.a.Respond(t.Context(), der)
	dir := t.TempDir()
	r := filepath.Join(dir, "sm2.tsr")
	if err := os.WriteFile(r, reply, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := pkitest.OpenSSL(t, "ts", "-reply", "-in", r, "-text")
	if err != nil || !strings.Contains(out, "Status: Granted.") || !strings.Contains(out, "Hash Algorithm: sm3") {
		t.Fatalf("openssl ts -reply: %v\n%s", err, out)
	}
	resp, err := ParseResponse(reply)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ParseToken(resp.Token)
	if err != nil {
		t.Fatal(err)
	}
	si := tok.SignedData.Signers[0]
	pub, err := smx509.MarshalPKIXPublicKey(f.h.TSA.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	for n, b := range map[string][]byte{"attrs.der": si.SignedAttributes, "sig.der": si.Signature, "pub.der": pub} {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err = pkitest.OpenSSL(t, "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", filepath.Join(dir, "pub.der"), "-rawin",
		"-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in", filepath.Join(dir, "attrs.der"), "-sigfile", filepath.Join(dir, "sig.der"))
	if err != nil || !strings.Contains(out, "Signature Verified Successfully") {
		t.Fatalf("openssl pkeyutl: %v\n%s", err, out)
	}
	// The messageDigest attribute is OpenSSL's SM3 of the TSTInfo.
	content := filepath.Join(dir, "tstinfo.der")
	if err := os.WriteFile(content, tok.SignedData.Content, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = pkitest.OpenSSL(t, "dgst", "-sm3", "-hex", content)
	if err != nil || !strings.Contains(out, hexString(si.MessageDigest)) {
		t.Fatalf("openssl dgst -sm3: %v\n%s (want %x)", err, out, si.MessageDigest)
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestHandler(t *testing.T) {
	f := newFixture(t, hsm.SM2)
	srv := httptest.NewServer(f.a.Handler())
	defer srv.Close()
	der, _ := (&Request{Hash: SM3, HashedMessage: imprintOf(SM3, nil)}).Marshal()
	for _, c := range []struct {
		method, ct string
		body       []byte
		want       int
	}{
		{"POST", "application/timestamp-query", der, 200},
		{"GET", "", nil, 405},
		{"POST", "application/octet-stream", der, 415},
		{"POST", "application/timestamp-query", make([]byte, MaxRequestSize+1), 413},
	} {
		req, _ := http.NewRequest(c.method, srv.URL, bytes.NewReader(c.body))
		if c.ct != "" {
			req.Header.Set("Content-Type", c.ct)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.ct, resp.StatusCode, c.want)
		}
		if c.want == 200 {
			if r, err := ParseResponse(body); err != nil || r.Status != StatusGranted {
				t.Errorf("reply: %v", err)
			}
		}
	}
}

// TestOpenSSLTSVerifySM2 records what `openssl ts -verify` (3.0) does with
// an SM2 token: it fails already at the SM2 certificate chain, whose
// signatures it checks with an empty SM2 signer ID (ts has no -vfyopt);
// TestOpenSSLSM2Token checks the token's signature with pkeyutl and the
// standard ID instead. If a future OpenSSL verifies it, this test fails and
// the package documentation should say so.
func TestOpenSSLTSVerifySM2(t *testing.T) {
	f := newFixture(t, hsm.SM2)
	data := []byte("SM2 token data")
	der, _ := (&Request{Hash: SM3, HashedMessage: imprintOf(SM3, data), CertReq: true}).Marshal()
	dir := t.TempDir()
	reply := testutil.WriteFile(t, dir, "r.tsr", f.a.Respond(t.Context(), der))
	out, _ := pkitest.OpenSSL(t, "ts", "-verify", "-data", testutil.WriteFile(t, dir, "data", data), "-in", reply,
		"-CAfile", pkitest.WritePEM(t, dir, "root", f.h.Root), "-untrusted", pkitest.WritePEM(t, dir, "u", f.h.TSA, f.h.Issuing), "-attime", "1772357400")
	t.Logf("openssl ts -verify (SM2):\n%s", out)
	if strings.Contains(out, "Verification: OK") || !strings.Contains(out, "certificate signature failure") {
		t.Fatal("OpenSSL's behaviour with SM2 time-stamp tokens changed; update the package documentation")
	}
}
