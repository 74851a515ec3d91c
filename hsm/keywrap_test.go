package hsm

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"os"
	"os/exec"
	"testing"
)

// RFC 5649 §6 examples.
func TestWrapKWPVectors(t *testing.T) {
	kek, _ := hex.DecodeString("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8")
	cases := []struct{ key, want string }{
		{"c37b7e6492584340bed12207808941155068f738", "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"},
		{"466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f"},
	}
	for _, c := range cases {
		key, _ := hex.DecodeString(c.key)
		got, err := WrapKWP(kek, key)
		if err != nil || hex.EncodeToString(got) != c.want {
			t.Errorf("WrapKWP(%s) = %x, %v; want %s", c.key, got, err, c.want)
		}
	}
}

// OpenSSL's id-aes256-wrap-pad unwraps what WrapKWP wraps.
func TestWrapKWPAgainstOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl missing in CI")
		}
		t.Skip("openssl not installed")
	}
	kek := bytes.Repeat([]byte{0x42}, 32)
	for _, n := range []int{1, 8, 9, 121, 1217} {
		plain := make([]byte, n)
		rand.Read(plain)
		wrapped, err := WrapKWP(kek, plain)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(openssl, "enc", "-d", "-id-aes256-wrap-pad", "-K", hex.EncodeToString(kek), "-iv", "A65959A6")
		cmd.Stdin = bytes.NewReader(wrapped)
		out, err := cmd.Output()
		if err != nil || !bytes.Equal(out, plain) {
			t.Fatalf("%d bytes: openssl unwrap: %v (got %d bytes)", n, err, len(out))
		}
	}
}

func TestWrapRSAAES(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("a PKCS #8 key would be here")
	w, err := WrapRSAAES(rand.Reader, &priv.PublicKey, crypto.SHA1, plain)
	if err != nil {
		t.Fatal(err)
	}
	k, err := rsa.DecryptOAEP(crypto.SHA1.New(), nil, priv, w[:256], nil)
	if err != nil || len(k) != 32 {
		t.Fatalf("OAEP part: %v", err)
	}
	again, _ := WrapKWP(k, plain)
	if !bytes.Equal(again, w[256:]) {
		t.Fatal("KWP part does not match the transported key")
	}
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	if _, err := WrapRSAAES(rand.Reader, &small.PublicKey, crypto.SHA1, plain); err == nil {
		t.Fatal("1024-bit transport key accepted")
	}
	if _, err := WrapKWP(k, nil); err == nil {
		t.Fatal("empty input wrapped")
	}
}
