package app

import (
	"strings"
	"testing"

	"sihub/certs"
)

func TestKeyURIDropsThePIN(t *testing.T) {
	for in, want := range map[string]string{
		"":      "soft:",
		"soft:": "soft:",
		"pkcs11:token=sihub;pin-value=1234;object=x":                "pkcs11:token=sihub;object=x",
		"pkcs11:token=sihub?pin-source=/etc/pin&pin-value=1234":     "pkcs11:token=sihub?pin-source=/etc/pin",
		"pkcs11:PIN-Value=9;token=a?pin-value=1":                    "pkcs11:token=a",
		"sdf:module=/usr/lib/libsdf.so;index=1":                     "sdf:module=/usr/lib/libsdf.so;index=1",
		"pkcs11:module-path=/usr/lib/softhsm/libsofthsm2.so;slot=0": "pkcs11:module-path=/usr/lib/softhsm/libsofthsm2.so;slot=0",
	} {
		a := &App{Config: Config{HSMURI: in}}
		got, err := a.KeyURI()
		if err != nil || got != want {
			t.Errorf("KeyURI(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// FuzzWithoutPIN: whatever the URI, no pin-value attribute survives, and
// a URI without one is kept as it is.
func FuzzWithoutPIN(f *testing.F) {
	for _, s := range []string{"pkcs11:token=a;pin-value=1", "pkcs11:?pin-value=1&x=2", "sdf:index=1", "pkcs11:", "pkcs11:;;?&&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		if len(uri) > certs.MaxKeyURI || !strings.Contains(uri, ":") {
			return
		}
		out := withoutPIN(uri)
		_, rest, _ := strings.Cut(out, ":")
		if err := certs.CheckKeyURI("pkcs11:" + rest); err != nil && strings.Contains(err.Error(), "pin-value") {
			t.Fatalf("withoutPIN(%q) = %q keeps a pin-value", uri, out)
		}
		if !strings.Contains(strings.ToLower(uri), "pin-value") && out != uri {
			t.Fatalf("withoutPIN(%q) = %q changed a URI without a PIN", uri, out)
		}
	})
}
