package ocsp

import (
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"sihub/certs/crl"
	"sihub/model"
)

type records map[string]model.Certificate

func (r records) Certificate(_ context.Context, serial string) (model.Certificate, error) {
	if serial == "dead" {
		return model.Certificate{}, errors.New("disk error")
	}
	c, ok := r[serial]
	if !ok {
		return model.Certificate{}, model.ErrNotFound
	}
	return c, nil
}

func TestStoreSource(t *testing.T) {
	nb := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	src := StoreSource{records{
		"a1": {Serial: "a1", IssuerSerial: "c0", Status: "good", NotBefore: nb},
		"a2": {Serial: "a2", IssuerSerial: "c0", Status: "revoked", RevokedAt: &at, NotBefore: nb},
		"a3": {Serial: "a3", IssuerSerial: "c0", Status: "suspended", RevokedAt: &at, NotBefore: nb},
		"a4": {Serial: "a4", IssuerSerial: "c0", Status: "revoked", NotBefore: nb},
		"a5": {Serial: "a5", IssuerSerial: "c0", Status: "revoked", RevokedAt: &at, NotBefore: nb, RevocationReason: 1},
		"a6": {Serial: "a6", IssuerSerial: "c0", Status: "revoked", RevokedAt: &at, NotBefore: nb, RevocationReason: 7},
		"b1": {Serial: "b1", IssuerSerial: "c1", Status: "good", NotBefore: nb},
		"e1": {Serial: "e1", IssuerSerial: "c0", Status: "frozen", NotBefore: nb},
	}}
	for serial, want := range map[int64]Status{
		0xa1: {State: Good},
		0xa2: {State: Revoked, RevokedAt: at},
		0xa3: {State: Revoked, RevokedAt: at, Reason: crl.CertificateHold},
		0xa4: {State: Revoked, RevokedAt: nb},
		0xa5: {State: Revoked, RevokedAt: at, Reason: crl.KeyCompromise},
		0xa6: {State: Revoked, RevokedAt: at}, // 7 is no reason: unspecified
		0xb1: {State: Unknown},
		0xff: {State: Unknown},
		0:    {State: Unknown},
	} {
		got, err := src.Status(context.Background(), "c0", big.NewInt(serial))
		if err != nil || got != want {
			t.Errorf("%x: %+v %v, want %+v", serial, got, err, want)
		}
	}
	for _, serial := range []int64{0xe1, 0xdead} {
		if _, err := src.Status(context.Background(), "c0", big.NewInt(serial)); err == nil {
			t.Errorf("%x: no error", serial)
		}
	}
}
