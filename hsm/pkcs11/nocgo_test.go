//go:build !cgo

package pkcs11

import (
	"context"
	"errors"
	"strings"
	"testing"

	"sihub/hsm"
)

func TestOpenWithoutCgo(t *testing.T) {
	_, err := hsm.Open(context.Background(), "pkcs11:token=t?module-path=/x.so&pin-value=1234")
	if !errors.Is(err, hsm.ErrNotAvailable) || !strings.Contains(err.Error(), "needs a cgo build") {
		t.Fatalf("hsm.Open without cgo: %v", err)
	}
	if strings.Contains(err.Error(), "1234") {
		t.Fatal("error repeats the PIN")
	}
	if _, err := Open(context.Background(), Config{}); !errors.Is(err, hsm.ErrNotAvailable) {
		t.Fatalf("Open without cgo: %v", err)
	}
}
