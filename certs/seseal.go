package certs

import (
	"context"
	"fmt"

	"sihub/certs/seal"
	"sihub/hsm"
)

// ensureSESeals gives every loaded business seal its GB/T 38540 SESeal,
// made by the SM2 issuing CA (SESeal signatures are SM2 by the standard)
// for the SM2 and the P-256 seal alike, and stores it in the seal record.
// A seal stored without one (a data directory from before SESeals) gets it
// here. Without an SM2 hierarchy no SESeal can be made and none is.
func (b *builder) ensureSESeals(ctx context.Context, p *PKI) error {
	sm2h, ok := p.byAlg[hsm.SM2]
	if !ok {
		return nil
	}
	for _, alg := range p.algs {
		m := p.byAlg[alg].seal
		if len(m.Seal.SESeal) > 0 {
			if _, err := seal.Parse(m.Seal.SESeal); err != nil {
				return fmt.Errorf("certs: stored SESeal of seal %s: %w", m.Seal.ID, err)
			}
			continue
		}
		req := seal.MakeRequest{
			Design:          seal.Design{Agency: b.cfg.Agency, Name: m.Seal.Name},
			SealCertificate: m.Certificate,
			RegionCode:      b.cfg.Region,
			Clock:           b.cfg.Now,
		}
		s, err := seal.Make(ctx, req, sm2h.issuingKey, sm2h.issuing)
		if err != nil {
			return fmt.Errorf("certs: make the SESeal of seal %s: %w", m.Seal.ID, err)
		}
		m.Seal.SESeal = s.Raw
		if err := b.st.PutSeal(ctx, m.Seal); err != nil {
			return fmt.Errorf("certs: store the SESeal of seal %s: %w", m.Seal.ID, err)
		}
	}
	return nil
}
