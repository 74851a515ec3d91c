package crl

import (
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"sihub/model"
)

type records []model.Certificate

func (r records) ListCertificates(_ context.Context, role string) ([]model.Certificate, error) {
	if role != "" {
		return nil, errors.New("StoreSource must list every role")
	}
	return r, nil
}

type brokenLister struct{}

func (brokenLister) ListCertificates(context.Context, string) ([]model.Certificate, error) {
	return nil, errors.New("disk full")
}

func TestStoreSource(t *testing.T) {
	nb := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	recs := records{
		{Serial: "a1", IssuerSerial: "c0", Status: "good", NotBefore: nb},
		{Serial: "a2", IssuerSerial: "c0", Status: "revoked", RevokedAt: &at, NotBefore: nb},
		{Serial: "a3", IssuerSerial: "c0", Status: "suspended", RevokedAt: &at, NotBefore: nb},
		{Serial: "a4", IssuerSerial: "c0", Status: "revoked", NotBefore: nb},
		{Serial: "a5", IssuerSerial: "c0", Status: "revoked", RevokedAt: &at, NotBefore: nb, RevocationReason: 9},
		{Serial: "a6", IssuerSerial: "c0", Status: "revoked", RevokedAt: &at, NotBefore: nb, RevocationReason: 7},
		{Serial: "b1", IssuerSerial: "c1", Status: "revoked", RevokedAt: &at, NotBefore: nb},
	}
	got, err := StoreSource{recs}.Revoked(context.Background(), "c0")
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Serial: big.NewInt(0xa2), RevokedAt: at},
		{Serial: big.NewInt(0xa3), RevokedAt: at, Reason: CertificateHold},
		{Serial: big.NewInt(0xa4), RevokedAt: nb},
		{Serial: big.NewInt(0xa5), RevokedAt: at, Reason: PrivilegeWithdrawn},
		{Serial: big.NewInt(0xa6), RevokedAt: at}, // 7 is no reason: unspecified
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].Serial.Cmp(want[i].Serial) != 0 || !got[i].RevokedAt.Equal(want[i].RevokedAt) || got[i].Reason != want[i].Reason {
			t.Errorf("entry %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	bad := records{{Serial: "xyz", IssuerSerial: "c0", Status: "revoked"}}
	if _, err := (StoreSource{bad}).Revoked(context.Background(), "c0"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad serial: %v", err)
	}
	if _, err := (StoreSource{brokenLister{}}).Revoked(context.Background(), "c0"); err == nil {
		t.Error("store error swallowed")
	}
}
