package signer

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms/cmstest"
	"sihub/certs/tsa"
	"sihub/signer/pades"
)

func TestLevelFor(t *testing.T) {
	none := &Service{cfg: Config{}}
	withLTV := &Service{cfg: Config{LTV: failingLTV{}}}
	configured := &Service{cfg: Config{LTV: failingLTV{}, Levels: map[string]Level{KindReceipt: LevelBLTA, KindInsuranceCertificate: LevelBB}}}
	for _, tc := range []struct {
		s    *Service
		kind string
		want Level
	}{
		{none, KindInsuranceCertificate, LevelBB},
		{none, KindReceipt, LevelBB},
		{withLTV, KindInsuranceCertificate, LevelBLT},
		{withLTV, KindRightsRecord, LevelBLT},
		{withLTV, KindReceipt, LevelBT},
		{configured, KindReceipt, LevelBLTA},
		{configured, KindInsuranceCertificate, LevelBB},
		{configured, KindRightsRecord, LevelBLT},
	} {
		if got := tc.s.levelFor(tc.kind); got != tc.want {
			t.Errorf("level of %s (LTV %v, levels %v) = %s, want %s", tc.kind, tc.s.cfg.LTV != nil, tc.s.cfg.Levels, got, tc.want)
		}
	}
	for _, l := range []Level{LevelBB, LevelBT, LevelBLT, LevelBLTA} {
		if !l.Valid() {
			t.Errorf("%s not valid", l)
		}
	}
	if Level("B-LTV").Valid() {
		t.Error("B-LTV is not a level")
	}
}

// failingLTV is trust services that are down.
type failingLTV struct{}

var errDown = errors.New("trust services down")

func (failingLTV) TimeStamp(context.Context, tsa.Hash, []byte) ([]byte, error) { return nil, errDown }
func (failingLTV) OCSP(context.Context, *smx509.Certificate, *smx509.Certificate) ([]byte, error) {
	return nil, errDown
}
func (failingLTV) CRL(context.Context, *smx509.Certificate) ([]byte, error) { return nil, errDown }

// TestSealAtLevelFailsWhole: a level above B-B with no or failing trust
// services, or an unknown level, issues nothing.
func TestSealAtLevelFailsWhole(t *testing.T) {
	now := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	pki, err := cmstest.Shared("p256", now)
	if err != nil {
		t.Fatal(err)
	}
	info := pades.SigInfo{Name: "seal", Time: now}
	prepared := func() *pades.Prepared {
		head := []byte("%PDF-1.7\n1 0 obj\n")
		dict, ph := pades.SigDict(info, 4096)
		pdf := append(append(head, dict...), "\nendobj\n%%EOF\n"...)
		return &pades.Prepared{PDF: pdf, First: ph.Shift(len(head))}
	}
	sealers := func() []pades.Sealer {
		return []pades.Sealer{{Key: pki.LeafKey, Certificate: pki.Leaf, Chain: pki.Chain(), Info: info}}
	}
	ctx := context.Background()
	if pdf, err := (&Service{cfg: Config{}}).seal(ctx, KindReceipt, prepared(), sealers()); err != nil || len(pdf) == 0 {
		t.Fatalf("B-B without trust services: %d bytes, %v", len(pdf), err)
	}
	for name, s := range map[string]*Service{
		"B-T without trust services": {cfg: Config{Levels: map[string]Level{KindReceipt: LevelBT}}},
		"trust services down":        {cfg: Config{LTV: failingLTV{}}},
		"unknown level":              {cfg: Config{LTV: failingLTV{}, Levels: map[string]Level{KindReceipt: "B-X"}}},
	} {
		pdf, err := s.seal(ctx, KindReceipt, prepared(), sealers())
		if err == nil || pdf != nil {
			t.Errorf("%s: %d bytes, %v; want nothing and an error", name, len(pdf), err)
		}
		if name != "trust services down" && !errors.Is(err, ErrLTV) {
			t.Errorf("%s: %v is not ErrLTV", name, err)
		}
		if name == "trust services down" && !errors.Is(err, errDown) {
			t.Errorf("%s: %v does not carry the services' error", name, err)
		}
	}
}
