package pkcs11

import (
	"bytes"
	"crypto/rand"
	"encoding/asn1"
	"math/big"
	"testing"

	"github.com/emmansun/gmsm/sm2"
)

func TestSM2ProfileFor(t *testing.T) {
	cases := []struct {
		name, path string
		mfrs       []string
		want       string // "" = none
	}{
		{"sansec by library", "/opt/sansec/lib/libswsds_pkcs11.so", nil, "sansec"},
		{"sansec by token manufacturer", "/opt/hsm/libcryptoki.so", []string{"Sansec Technology Co., Ltd.   "}, "sansec"},
		{"tass by library", "/usr/lib/libTassPKCS11.so", nil, "tass"},
		{"tass by library manufacturer", "/usr/lib/libp11.so", []string{"", "TASS"}, "tass"},
		{"softhsm has none", "/usr/lib/softhsm/libsofthsm2.so", []string{"SoftHSM project"}, ""},
		{"directory name is not the library", "/opt/sansec/libsofthsm2.so", nil, ""},
		{"empty manufacturer matches nothing", "/usr/lib/x.so", []string{"  "}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, ok := SM2ProfileFor(c.path, c.mfrs...)
			if ok != (c.want != "") || p.Name != c.want {
				t.Fatalf("SM2ProfileFor = %q, %v; want %q", p.Name, ok, c.want)
			}
		})
	}
	if _, err := SM2ProfileNamed("SANSEC"); err != nil {
		t.Fatalf("SM2ProfileNamed: %v", err)
	}
	if _, err := SM2ProfileNamed("nope"); err == nil {
		t.Fatal("SM2ProfileNamed(nope) succeeded")
	}
}

func TestECSignatureDER(t *testing.T) {
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e := bytes.Repeat([]byte{7}, 32)
	der, err := sm2.SignASN1(rand.Reader, priv, e, nil)
	if err != nil {
		t.Fatal(err)
	}
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 64)
	rs.R.FillBytes(raw[:32])
	rs.S.FillBytes(raw[32:])
	small := make([]byte, 64) // r = 1, s = 2: leading zero bytes must not matter
	small[31], small[63] = 1, 2
	smallDER := []byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02}

	cases := []struct {
		name string
		in   []byte
		f    SigFormat
		want []byte // nil = error
	}{
		{"raw", raw, SigRaw, der},
		{"der", der, SigDER, der},
		{"raw small values", small, SigRaw, smallDER},
		{"raw too short", raw[:63], SigRaw, nil},
		{"raw given as der", raw, SigDER, nil},
		{"der given as raw", der, SigRaw, nil},
		{"der with trailing byte", append(append([]byte(nil), der...), 0), SigDER, nil},
		{"zero r", make([]byte, 64), SigRaw, nil},
		{"der r too large", []byte{0x30, 0x26, 0x02, 0x21, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 0x02, 0x01, 0x01}, SigDER, nil},
		{"negative s", []byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0xff}, SigDER, nil},
		{"unknown format", raw, SigFormat(9), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ecSignatureDER(c.in, c.f, 32)
			if c.want == nil {
				if err == nil {
					t.Fatalf("accepted: %x", got)
				}
				return
			}
			if err != nil || !bytes.Equal(got, c.want) {
				t.Fatalf("got %x, %v; want %x", got, err, c.want)
			}
		})
	}
	if !sm2.VerifyASN1(&priv.PublicKey, e, der) {
		t.Fatal("reference signature invalid")
	}
}

func FuzzECSignatureDER(f *testing.F) {
	f.Add([]byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02}, uint8(1))
	f.Add(bytes.Repeat([]byte{1}, 64), uint8(0))
	f.Fuzz(func(t *testing.T, in []byte, format uint8) {
		der, err := ecSignatureDER(in, SigFormat(format%3), 32)
		if err != nil {
			return
		}
		// Whatever is accepted re-encodes to itself as DER.
		again, err := ecSignatureDER(der, SigDER, 32)
		if err != nil || !bytes.Equal(again, der) {
			t.Fatalf("DER output %x does not round-trip: %x, %v", der, again, err)
		}
	})
}
