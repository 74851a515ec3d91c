package sdf

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/emmansun/gmsm/sm2"

	"sihub/hsm"
)

// eccRefPublicKey lays out a public key the way a device does.
func eccRefPublicKey(t testing.TB, x, y []byte, rs int, bits uint32) []byte {
	buf := make([]byte, pubKeySize(rs))
	binary.NativeEndian.PutUint32(buf, bits)
	copy(buf[4+rs-len(x):4+rs], x)
	copy(buf[4+2*rs-len(y):], y)
	return buf
}

func TestParsePublicKey(t *testing.T) {
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x, y := priv.PublicKey.X.FillBytes(make([]byte, 32)), priv.PublicKey.Y.FillBytes(make([]byte, 32))
	for _, rs := range []int{32, 64} {
		pk, err := parsePublicKey(eccRefPublicKey(t, x, y, rs, 256), rs)
		if err != nil || !pk.Equal(&priv.PublicKey) {
			t.Fatalf("rs %d: %v", rs, err)
		}
	}
	bad := []struct {
		name string
		buf  []byte
		rs   int
	}{
		{"bits 512", eccRefPublicKey(t, x, y, 64, 512), 64},
		{"short", eccRefPublicKey(t, x, y, 64, 256)[:100], 64},
		{"rs 48", make([]byte, pubKeySize(48)), 48},
		{"wider than 256 bits", func() []byte { b := eccRefPublicKey(t, x, y, 64, 256); b[4] = 1; return b }(), 64},
		{"not on the curve", eccRefPublicKey(t, x, x, 32, 256), 32},
	}
	for _, c := range bad {
		if _, err := parsePublicKey(c.buf, c.rs); !errors.Is(err, ErrLayout) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestSignatureDER(t *testing.T) {
	priv, _ := sm2.GenerateKey(rand.Reader)
	e := bytes.Repeat([]byte{3}, 32)
	r, s, err := sm2.Sign(rand.Reader, &priv.PrivateKey, e)
	if err != nil {
		t.Fatal(err)
	}
	for _, rs := range []int{32, 64} {
		buf := make([]byte, sigSize(rs))
		r.FillBytes(buf[:rs])
		s.FillBytes(buf[rs:])
		der, err := signatureDER(buf, rs)
		if err != nil || !sm2.VerifyASN1(&priv.PublicKey, e, der) {
			t.Fatalf("rs %d: %v", rs, err)
		}
	}
	if _, err := signatureDER(make([]byte, 64), 32); !errors.Is(err, ErrLayout) {
		t.Errorf("zero r/s: %v", err)
	}
	if _, err := signatureDER(make([]byte, 63), 32); !errors.Is(err, ErrLayout) {
		t.Errorf("short: %v", err)
	}
	wide := make([]byte, 128)
	wide[0], wide[127] = 1, 1
	if _, err := signatureDER(wide, 64); !errors.Is(err, ErrLayout) {
		t.Errorf("r wider than 256 bits: %v", err)
	}
}

func TestSDRKinds(t *testing.T) {
	cases := []struct {
		code SDR
		kind error
	}{
		{SDR_KEYNOTEXIST, hsm.ErrKeyNotFound},
		{SDR_PARDENY, hsm.ErrWrongPassword},
		{SDR_HARDFAIL, hsm.ErrDeviceUnavailable},
		{SDR_COMMFAIL, hsm.ErrDeviceUnavailable},
		{SDR_OPENDEVICE, hsm.ErrDeviceUnavailable},
		{SDR_ALGNOTSUPPORT, hsm.ErrUnsupported},
	}
	for _, c := range cases {
		if !errors.Is(c.code, c.kind) {
			t.Errorf("%v is not %v", c.code, c.kind)
		}
	}
	if errors.Is(SDR_SIGNERR, hsm.ErrDeviceUnavailable) || errors.Is(SDR_KEYNOTEXIST, hsm.ErrDeviceUnavailable) {
		t.Error("request errors classified as device failures")
	}
	if got := SDR_KEYNOTEXIST.Error(); got != "hsm/sdf: SDR_KEYNOTEXIST (0x01000008)" {
		t.Errorf("Error() = %q", got)
	}
	if got := SDR(0x0A000001).Error(); got != "hsm/sdf: vendor error 0x0a000001" {
		t.Errorf("vendor Error() = %q", got)
	}
}

func TestParseURI(t *testing.T) {
	c, err := ParseURI("sdf:?module-path=/opt/v/libsdf.so&key-index=1,%202&pin-source=file:/etc/p&rs-size=32")
	if err != nil || c.ModulePath != "/opt/v/libsdf.so" || len(c.KeyIndexes) != 2 || c.KeyIndexes[1] != 2 ||
		c.PasswordSource != "file:/etc/p" || c.RSSize != 32 {
		t.Fatalf("%+v, %v", c, err)
	}
	c, err = ParseURI("sdf:?module-path=/l.so&key-index=3&pin-value=a%2Bb")
	if err != nil || c.RSSize != 64 || c.Password != "a+b" {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	c, err = ParseURI("sdf:?module-path=/l.so&key-index=3&x-max-sessions=2&x-breaker-failures=4")
	if err != nil || c.Pool.MaxSessions != 2 || c.Pool.FailureThreshold != 4 {
		t.Fatalf("pool options: %+v, %v", c.Pool, err)
	}
	for _, bad := range []string{
		"sdf:?module-path=/l.so&key-index=1&x-max-sessions=0",
		"pkcs11:?module-path=/l.so&key-index=1",
		"sdf:?key-index=1",
		"sdf:?module-path=/l.so",
		"sdf:?module-path=/l.so&key-index=x",
		"sdf:?module-path=/l.so&key-index=1&rs-size=48",
		"sdf:?module-path=/l.so&key-index=1&colour=red",
		"sdf:?module-path=/l.so&key-index=1&key-index=2",
		"sdf:path?module-path=/l.so&key-index=1",
		"sdf:?module-path=/l.so&key-index=1&pin-value=a&pin-source=/p",
	} {
		if _, err := ParseURI(bad); !errors.Is(err, ErrURI) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	_, err = ParseURI("sdf:?module-path=/l.so&key-index=1&pin-value=hunter2&bogus=1")
	if err == nil || bytes.Contains([]byte(err.Error()), []byte("hunter2")) {
		t.Fatalf("error %v", err)
	}
}

func FuzzParseURI(f *testing.F) {
	f.Add("sdf:?module-path=/opt/v/libsdf.so&key-index=1,2&pin-value=x&rs-size=32")
	f.Fuzz(func(t *testing.T, uri string) {
		c, err := ParseURI(uri)
		if err != nil {
			return
		}
		if c.ModulePath == "" || len(c.KeyIndexes) == 0 || (c.RSSize != 32 && c.RSSize != 64) {
			t.Fatalf("accepted %+v", c)
		}
	})
}

func FuzzLayout(f *testing.F) {
	f.Add(make([]byte, pubKeySize(64)), true)
	f.Add(make([]byte, sigSize(32)), false)
	f.Fuzz(func(t *testing.T, buf []byte, pub bool) {
		for _, rs := range []int{32, 64} {
			if pub {
				if pk, err := parsePublicKey(buf, rs); err == nil && !pk.Curve.IsOnCurve(pk.X, pk.Y) {
					t.Fatal("accepted a point off the curve")
				}
				continue
			}
			if der, err := signatureDER(buf, rs); err == nil && len(der) > 72 {
				t.Fatalf("DER of %d bytes", len(der))
			}
		}
	})
}
