package app

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"reflect"
	"strings"
	"testing"

	"sihub/hsm"
)

func sampleBundle(t testing.TB) (WrappedKey, []byte) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	w := WrappedKey{KeyID: "k-1", Alg: hsm.P256, OAEP: crypto.SHA1, Wrapped: bytes.Repeat([]byte{0xa5}, 424), Public: k.Public()}
	b, err := w.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return w, b
}

func TestWrappedKeyBundle(t *testing.T) {
	w, b := sampleBundle(t)
	got, err := ParseWrappedKey(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, w) {
		t.Fatalf("round trip: %+v, want %+v", got, w)
	}
	for name, bad := range map[string][]byte{
		"empty":          nil,
		"public only":    b[bytes.Index(b, []byte("-----BEGIN PUBLIC KEY")):],
		"wrapped only":   b[:bytes.Index(b, []byte("-----BEGIN PUBLIC KEY"))],
		"a third block":  append(bytes.Clone(b), b...),
		"unknown OAEP":   bytes.Replace(b, []byte("OAEP: sha1"), []byte("OAEP: md5"), 1),
		"too large":      append(bytes.Repeat([]byte(" "), MaxWrappedKeyFile), b...),
		"bad public key": bytes.Replace(b, []byte("-----BEGIN PUBLIC KEY-----\n"), []byte("-----BEGIN PUBLIC KEY-----\nAAAA"), 1),
	} {
		if _, err := ParseWrappedKey(bad); !errors.Is(err, ErrCeremony) {
			t.Errorf("%s: %v, want ErrCeremony", name, err)
		}
	}
	if !strings.Contains(string(b), "Key-Id: k-1") {
		t.Fatalf("bundle headers:\n%s", b)
	}
}

func FuzzParseWrappedKey(f *testing.F) {
	_, b := sampleBundle(f)
	f.Add(b)
	f.Add([]byte("-----BEGIN SIHUB WRAPPED KEY-----\n-----END SIHUB WRAPPED KEY-----\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWrappedKey(data)
		if err != nil {
			return
		}
		again, err := w.Marshal()
		if err != nil {
			t.Fatalf("a parsed bundle does not marshal: %v", err)
		}
		w2, err := ParseWrappedKey(again)
		if err != nil || !reflect.DeepEqual(w, w2) {
			t.Fatalf("re-parse: %v\n%+v\n%+v", err, w, w2)
		}
	})
}
