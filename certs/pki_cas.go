package certs

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/smx509"

	"sihub/hsm"
	"sihub/model"
)

// Keyring returns the keyring the PKI reaches its keys through (the
// backend given to EnsureDevelopmentPKI, and the ones certificate and seal
// records name). CreateCA and RotateIssuing take it.
func (p *PKI) Keyring() *Keyring { return p.ring }

// Close closes the key backends the PKI opened for keys that live outside
// the instance's default backend. The PKI's keys are unusable after it.
func (p *PKI) Close() error {
	if p == nil {
		return nil
	}
	return p.ring.Close()
}

// keyring is p's keyring, or one over keys for a PKI built without one.
func (p *PKI) keyring(keys hsm.Backend) *Keyring {
	if p.ring != nil {
		return p.ring
	}
	return NewKeyring(keys, nil)
}

// indexCAs adds every stored "good" root, issuing and seal certificate of
// p's algorithms to the look-ups by serial and key identifier, beside the
// current hierarchy: an issuing CA that a rotation retired, and the seal
// certificates it issued, stay findable for the documents they sealed.
func (b *builder) indexCAs(ctx context.Context, p *PKI) error {
	for _, role := range []string{model.RoleRoot, model.RoleIssuing, model.RoleSeal} {
		recs, err := b.st.ListCertificates(ctx, role)
		if err != nil {
			return fmt.Errorf("certs: list %s certificates: %w", role, err)
		}
		for _, rec := range recs {
			if rec.Status != CertGood || p.byAlg[hsm.Algorithm(rec.Alg)] == nil {
				continue
			}
			if _, ok := p.bySerial[rec.Serial]; ok {
				continue
			}
			c, err := smx509.ParseCertificate(rec.DER)
			if err != nil {
				return fmt.Errorf("certs: stored certificate %s does not parse: %w", rec.Serial, err)
			}
			p.bySerial[rec.Serial] = c
			if ski := hex.EncodeToString(c.SubjectKeyId); ski != "" {
				if _, taken := p.bySKI[ski]; !taken {
					p.bySKI[ski] = c
				}
			}
		}
	}
	return nil
}

// retiredSigners are the CRL signers of the issuing CAs a rotation retired
// (good, under the current root, key reachable). A retired CA whose key is
// gone from its backend is left out: it can no longer sign a CRL.
func (p *PKI) retiredSigners(ctx context.Context, ring *Keyring, st Store) ([]CASigner, error) {
	recs, err := st.ListCertificates(ctx, model.RoleIssuing)
	if err != nil {
		return nil, fmt.Errorf("certs: list issuing certificates: %w", err)
	}
	var out []CASigner
	for _, rec := range recs {
		h := p.byAlg[hsm.Algorithm(rec.Alg)]
		if h == nil || rec.Status != CertGood || rec.Serial == SerialHex(h.issuing.SerialNumber) ||
			rec.IssuerSerial != SerialHex(h.root.SerialNumber) {
			continue
		}
		c, err := smx509.ParseCertificate(rec.DER)
		if err != nil {
			return nil, fmt.Errorf("certs: stored certificate %s does not parse: %w", rec.Serial, err)
		}
		if c.NotAfter.Before(h.issuing.NotBefore) {
			continue // expired before the current CA began
		}
		key, err := ring.Find(ctx, rec.KeyURI, rec.KeyID)
		if errors.Is(err, hsm.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("certs: the key %s of retired CA %s: %w", rec.KeyID, rec.Serial, err)
		}
		out = append(out, CASigner{Certificate: c, Key: key})
	}
	return out, nil
}
