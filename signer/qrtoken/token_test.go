package qrtoken

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
)

func sampleClaims() Claims {
	return Claims{
		Code: "7KQ4M2XW9PTAHC3R8F", Number: "CBZM-2026-00000001", Kind: "insurance-certificate",
		HolderName: "张*", HolderID: "110105********1239",
		IssuedAt: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC), ValidUntil: time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC),
	}
}

func TestSignParseVerify(t *testing.T) {
	smKey, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherSM, _ := sm2.GenerateKey(rand.Reader)
	otherEC, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	cases := []struct {
		name       string
		signer     func(Claims) (string, error)
		pub, wrong any
		alg        byte
		maxEncoded int
	}{
		{"sm2", func(c Claims) (string, error) { return Sign(c, smKey, KeyID{1}, rand.Reader) }, &smKey.PublicKey, &otherSM.PublicKey, AlgSM2, 260},
		{"p256", func(c Claims) (string, error) { return Sign(c, ecKey, KeyID{2}, rand.Reader) }, &ecKey.PublicKey, &otherEC.PublicKey, AlgP256, 260},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := sampleClaims()
			s, err := tc.signer(c)
			if err != nil {
				t.Fatal(err)
			}
			if len(s) > tc.maxEncoded {
				t.Errorf("token is %d characters, want ≤ %d for a small QR", len(s), tc.maxEncoded)
			}
			tok, err := Parse(s)
			if err != nil {
				t.Fatal(err)
			}
			if tok.Alg != tc.alg || tok.Claims != c {
				t.Fatalf("parsed %+v alg %d, want %+v alg %d", tok.Claims, tok.Alg, c, tc.alg)
			}
			if err := tok.Verify(tc.pub); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if err := tok.Verify(tc.wrong); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("Verify with another key = %v, want ErrBadSignature", err)
			}
			// A changed field breaks the signature.
			raw, _ := base64.RawURLEncoding.DecodeString(s)
			i := strings.Index(string(raw), "CBZM-2026-00000001")
			raw[i+len("CBZM-2026-0000000")] = '2'
			forged, err := Parse(base64.RawURLEncoding.EncodeToString(raw))
			if err != nil {
				t.Fatal(err)
			}
			if forged.Claims.Number != "CBZM-2026-00000002" {
				t.Fatalf("forgery did not change the number: %q", forged.Claims.Number)
			}
			if err := forged.Verify(tc.pub); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("forged token verified: %v", err)
			}
		})
	}
}

func TestExtract(t *testing.T) {
	code, tok, err := Extract(" " + URL("http://127.0.0.1:8080/", "ABC", "tok_en-1") + "\n")
	if err != nil || code != "ABC" || tok != "tok_en-1" {
		t.Fatalf("Extract = %q %q %v", code, tok, err)
	}
	if _, _, err := Extract("http://127.0.0.1:8080/v/ABC"); !errors.Is(err, ErrMalformed) {
		t.Fatalf("link without token: %v", err)
	}
	code, tok, err = Extract("bare")
	if err != nil || code != "" || tok != "bare" {
		t.Fatalf("bare token: %q %q %v", code, tok, err)
	}
}

func TestParseRejects(t *testing.T) {
	key, _ := sm2.GenerateKey(rand.Reader)
	good, err := Sign(sampleClaims(), key, KeyID{}, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	enc := base64.RawURLEncoding.EncodeToString
	for name, s := range map[string]string{
		"empty":     "",
		"not b64":   "***",
		"short":     enc(raw[:40]),
		"version":   enc(append([]byte{9}, raw[1:]...)),
		"alg":       enc(append([]byte{1, 7}, raw[2:]...)),
		"trailing":  enc(append(append(append([]byte{}, raw[:len(raw)-64]...), 0), raw[len(raw)-64:]...)),
		"too long":  strings.Repeat("A", MaxLen+1),
		"truncated": enc(raw[:len(raw)-1]),
	} {
		if _, err := Parse(s); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	key, _ := sm2.GenerateKey(rand.Reader)
	good, _ := Sign(sampleClaims(), key, KeyID{}, rand.Reader)
	f.Add(good)
	f.Add("")
	f.Add("AQEAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := Parse(s)
		if err != nil {
			return
		}
		_ = tok.Verify(&key.PublicKey)
	})
}
