package pkcs11

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sihub/hsm"
)

func TestParseURI(t *testing.T) {
	slot0 := uint(0)
	cases := []struct {
		name string
		uri  string
		want *Config // nil = error
	}{
		{"token and pin", "pkcs11:token=sihub?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234",
			&Config{ModulePath: "/usr/lib/softhsm/libsofthsm2.so", Token: "sihub", PIN: "1234"}},
		{"percent-encoded", "pkcs11:token=%E5%8D%B0%E7%AB%A0%20A;object=ignored;serial=12ab?module-path=/m.so",
			&Config{ModulePath: "/m.so", Token: "印章 A", Serial: "12ab"}},
		{"slot id and profile", "pkcs11:slot-id=0;x-sm2-profile=tass?module-path=/m.so&pin-source=file:/p",
			&Config{ModulePath: "/m.so", SlotID: &slot0, PINSource: "file:/p", SM2Profile: "tass"}},
		{"pool options", "pkcs11:token=a?module-path=/m.so&x-max-sessions=8&x-call-timeout=3s&x-breaker-cooldown=10s",
			&Config{ModulePath: "/m.so", Token: "a", Pool: hsm.PoolOptions{MaxSessions: 8, CallTimeout: 3 * time.Second, CoolDown: 10 * time.Second}}},
		{"bad pool option", "pkcs11:token=a?module-path=/m.so&x-call-timeout=soon", nil},
		{"scheme case", "PKCS11:token=a?module-path=/m.so", &Config{ModulePath: "/m.so", Token: "a"}},
		{"wrong scheme", "sdf:token=a?module-path=/m.so", nil},
		{"no module", "pkcs11:token=a", nil},
		{"no token", "pkcs11:object=k?module-path=/m.so", nil},
		{"unknown attribute", "pkcs11:token=a;colour=red?module-path=/m.so", nil},
		{"query attribute in path", "pkcs11:token=a;module-path=/m.so", nil},
		{"repeated", "pkcs11:token=a;token=b?module-path=/m.so", nil},
		{"bad escape", "pkcs11:token=%zz?module-path=/m.so", nil},
		{"bad slot", "pkcs11:slot-id=x?module-path=/m.so", nil},
		{"pin twice", "pkcs11:token=a?module-path=/m.so&pin-value=1&pin-source=/p", nil},
		{"no value", "pkcs11:token?module-path=/m.so", nil},
		{"too long", "pkcs11:token=" + strings.Repeat("a", maxURILen) + "?module-path=/m.so", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseURI(c.uri)
			if c.want == nil {
				if !errors.Is(err, ErrURI) {
					t.Fatalf("err = %v, want ErrURI", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ModulePath != c.want.ModulePath || got.Token != c.want.Token || got.Serial != c.want.Serial ||
				got.PIN != c.want.PIN || got.PINSource != c.want.PINSource || got.SM2Profile != c.want.SM2Profile ||
				got.Pool.MaxSessions != c.want.Pool.MaxSessions || got.Pool.CallTimeout != c.want.Pool.CallTimeout ||
				got.Pool.CoolDown != c.want.Pool.CoolDown ||
				(got.SlotID == nil) != (c.want.SlotID == nil) || (got.SlotID != nil && *got.SlotID != *c.want.SlotID) {
				t.Fatalf("got %+v, want %+v", got, *c.want)
			}
		})
	}
}

func TestParseURIErrorsHidePIN(t *testing.T) {
	_, err := ParseURI("pkcs11:token=a;bogus=1?module-path=/m.so&pin-value=s3cret-pin")
	if err == nil || strings.Contains(err.Error(), "s3cret-pin") {
		t.Fatalf("err = %v", err)
	}
}

func TestPINSource(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pin")
	if err := os.WriteFile(p, []byte("987654\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Config{PINSource: "file:" + p}
	if pin, err := c.pin(); err != nil || pin != "987654" {
		t.Fatalf("pin = %q, %v", pin, err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, hsm.MaxPINFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	c = Config{PINSource: big}
	if _, err := c.pin(); !errors.Is(err, ErrURI) {
		t.Fatalf("oversized pin file: %v", err)
	}
	c = Config{PINSource: "env:PIN"}
	if _, err := c.pin(); err == nil {
		t.Fatal("non-file pin-source accepted")
	}
}

func FuzzParseURI(f *testing.F) {
	f.Add("pkcs11:token=sihub?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234")
	f.Add("pkcs11:slot-id=3;x-sm2-profile=tass;id=%01%02?module-path=/m.so&pin-source=file:/p")
	f.Fuzz(func(t *testing.T, uri string) {
		c, err := ParseURI(uri)
		if err != nil {
			return
		}
		if c.ModulePath == "" || (c.Token == "" && c.Serial == "" && c.SlotID == nil) {
			t.Fatalf("accepted an incomplete config: %+v", c)
		}
	})
}
