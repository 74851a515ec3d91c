package certs

import (
	"context"

	"sihub/hsm"
)

// RetiredOCSPSigners returns an OCSP-signer certificate for every issuing
// CA a rotation retired (good, under the current root of its algorithm,
// its key still reachable), loaded or made as EnsureServices does: the
// responder keeps answering for the seal certificates those CAs issued.
// The responders' Issuer is the retired CA.
func RetiredOCSPSigners(ctx context.Context, keys hsm.Backend, st Store, p *PKI, cfg Config) ([]*ServiceMaterial, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ring := p.keyring(keys)
	retired, err := p.retiredSigners(ctx, ring, st)
	if err != nil {
		return nil, err
	}
	b := &builder{keys: keys, ring: ring, st: st, cfg: cfg, now: cfg.Now()}
	var out []*ServiceMaterial
	for _, ca := range retired {
		if b.now.After(ca.Certificate.NotAfter) {
			continue
		}
		alg, err := algOf(ca.Certificate.PublicKey)
		if err != nil {
			return nil, err
		}
		m, err := b.ensureService(ctx, alg, OCSPSignerProfile, ca.Certificate, ca.Key)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
