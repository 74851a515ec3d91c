package certs

import (
	"context"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/seal"
	"sihub/hsm"
	"sihub/model"
)

// ErrSealState: a seal cannot take the change asked of it in the PKI (it
// is not active, or it names an algorithm the PKI does not have).
var ErrSealState = errors.New("certs: seal state")

// MakeSeal makes the seal of an approved request s (ID, Name, Alg and
// KeyURI set; model.Seal): it generates the key on the backend s.KeyURI
// names ("" is the keyring's default), issues the seal certificate under
// the current issuing CA of s.Alg, stores the certificate (with the
// KeyURI), and makes the GB/T 38540 SESeal, signed by the SM2 issuing CA.
// The returned material's seal is s with key, certificate serial,
// validity and SESeal filled in and status active; it is not stored — the
// caller stores it (a compare-and-set from requested) and then calls
// ActivateSeal. A failure after the key was generated deletes the key; a
// stored certificate whose seal is then not stored is the caller's to
// revoke.
func MakeSeal(ctx context.Context, p *PKI, st Store, cfg Config, s model.Seal) (*SealMaterial, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if s.ID == "" || s.Name == "" {
		return nil, fmt.Errorf("%w: a seal needs an ID and a name", ErrSealState)
	}
	alg := hsm.Algorithm(s.Alg)
	h, err := p.hierarchy(alg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSealState, err)
	}
	if s.KeyURI != "" {
		if err := CheckKeyURI(s.KeyURI); err != nil {
			return nil, err
		}
	}
	backend, err := p.keyring(nil).Backend(ctx, s.KeyURI)
	if err != nil {
		return nil, err
	}
	key, err := backend.Generate(ctx, alg, fmt.Sprintf("seal %s %s", s.Name, alg))
	if err != nil {
		return nil, fmt.Errorf("certs: generate the key of seal %s: %w", s.ID, err)
	}
	fail := func(err error) (*SealMaterial, error) {
		if derr := backend.Delete(context.WithoutCancel(ctx), key.ID()); derr != nil {
			err = errors.Join(err, fmt.Errorf("certs: deleting the unused key %s: %w", key.ID(), derr))
		}
		return nil, err
	}
	subject := pkix.Name{CommonName: cfg.Agency + " " + s.Name, Organization: []string{cfg.Agency}, Country: []string{"CN"}}
	if cfg.Region != "" {
		subject.Locality = []string{cfg.Region}
	}
	now := cfg.Now()
	cert, err := Issue(Request{Profile: SealProfile, Subject: subject, PublicKey: key.Public(), Issuer: h.issuing,
		IssuerKey: h.issuingKey, Now: now, PublicURL: cfg.PublicURL})
	if err != nil {
		return fail(err)
	}
	var sealSigned []byte
	if sm2h, ok := p.byAlg[hsm.SM2]; ok {
		made, err := seal.Make(ctx, seal.MakeRequest{
			Design:          seal.Design{Agency: cfg.Agency, Name: s.Name},
			SealCertificate: cert,
			RegionCode:      cfg.Region,
			Clock:           cfg.Now,
		}, sm2h.issuingKey, sm2h.issuing)
		if err != nil {
			return fail(fmt.Errorf("certs: make the SESeal of seal %s: %w", s.ID, err))
		}
		sealSigned = made.Raw
	}
	rec := record(cert, alg, SealProfile.Role, key.ID(), h.issuing)
	rec.KeyURI = s.KeyURI
	if err := st.PutCertificate(ctx, rec); err != nil {
		return fail(fmt.Errorf("certs: store the certificate of seal %s: %w", s.ID, err))
	}
	s.Agency = cfg.Agency
	s.KeyID, s.CertSerial = key.ID(), rec.Serial
	s.ValidFrom, s.ValidUntil = cert.NotBefore, cert.NotAfter
	s.SESeal = sealSigned
	s.Status = model.SealActive
	return &SealMaterial{Seal: s, Key: key, Certificate: cert, Chain: []*smx509.Certificate{h.issuing}}, nil
}

// LoadSeal builds the material of a stored active seal (to resume it): its
// certificate must be good and issued by an issuing CA of the PKI, its key
// reachable on the backend its KeyURI names.
func LoadSeal(ctx context.Context, p *PKI, st Store, s model.Seal) (*SealMaterial, error) {
	if s.Status != model.SealActive {
		return nil, fmt.Errorf("%w: seal %s is %s, not active", ErrSealState, s.ID, s.Status)
	}
	rec, err := st.Certificate(ctx, s.CertSerial)
	if err != nil {
		return nil, fmt.Errorf("certs: certificate of seal %s: %w", s.ID, err)
	}
	if rec.Status != CertGood {
		return nil, fmt.Errorf("%w: the certificate of seal %s is %s", ErrSealState, s.ID, rec.Status)
	}
	cert, issuer, err := sealCertificate(ctx, st, rec)
	if err != nil {
		return nil, err
	}
	key, err := p.keyring(nil).Find(ctx, s.KeyURI, s.KeyID)
	if err != nil {
		return nil, fmt.Errorf("certs: key %s of seal %s: %w", s.KeyID, s.ID, err)
	}
	return &SealMaterial{Seal: s, Key: key, Certificate: cert, Chain: []*smx509.Certificate{issuer}}, nil
}

// sealCertificate parses a seal certificate record and its issuer's.
func sealCertificate(ctx context.Context, st Store, rec model.Certificate) (cert, issuer *smx509.Certificate, err error) {
	if cert, err = smx509.ParseCertificate(rec.DER); err != nil {
		return nil, nil, fmt.Errorf("certs: stored certificate %s does not parse: %w", rec.Serial, err)
	}
	irec, err := st.Certificate(ctx, rec.IssuerSerial)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: issuer %s of certificate %s: %w", rec.IssuerSerial, rec.Serial, err)
	}
	if issuer, err = smx509.ParseCertificate(irec.DER); err != nil {
		return nil, nil, fmt.Errorf("certs: stored certificate %s does not parse: %w", irec.Serial, err)
	}
	if err := cert.CheckSignatureFrom(issuer); err != nil {
		return nil, nil, fmt.Errorf("certs: stored certificate %s is not signed by its issuer %s: %w", rec.Serial, rec.IssuerSerial, err)
	}
	return cert, issuer, nil
}

// ActivateSeal makes m (an active seal, e.g. from MakeSeal or LoadSeal)
// the seal its algorithm seals with in this process, from the next
// issuance on.
func (p *PKI) ActivateSeal(m *SealMaterial) error {
	if m == nil || m.Seal.Status != model.SealActive || m.Key == nil || m.Certificate == nil {
		return fmt.Errorf("%w: only an active seal with key and certificate is activated", ErrSealState)
	}
	h, err := p.hierarchy(hsm.Algorithm(m.Seal.Alg))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSealState, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	h.seal = m
	p.sealByID[m.Seal.ID] = m
	return nil
}

// DeactivateSeal records that s (as now stored) no longer seals: if it is
// the seal of its algorithm, that seal stays in place with s's status, so
// issuing fails naming the seal and its status until another seal is
// activated. A seal the PKI does not hold is ignored.
func (p *PKI) DeactivateSeal(s model.Seal) {
	h, err := p.hierarchy(hsm.Algorithm(s.Alg))
	if err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	stopped := func(m *SealMaterial) *SealMaterial {
		c := *m
		c.Seal = s
		c.Key = nil // a stopped seal signs nothing
		return &c
	}
	if h.seal != nil && h.seal.Seal.ID == s.ID {
		h.seal = stopped(h.seal)
	}
	if m, ok := p.sealByID[s.ID]; ok {
		p.sealByID[s.ID] = stopped(m)
	}
}

// lifecycleSeal chooses, at load, the seal alg seals with from the
// lifecycle's records (seals of the agency and algorithm): the newest
// approved active seal within its validity whose certificate is usable
// under the current issuing CA; else, when the lifecycle stopped the
// algorithm's seals (suspended or revoked within their validity, or an
// approved seal whose validity ended), the one stopped last — loaded with
// its status (expired for the latter) and without its key, so nothing
// seals with it and no development seal is made in its place: only an
// approval brings a new one. ok is false when neither exists (a first
// start, an expired development seal): the development seal is then made.
func (b *builder) lifecycleSeal(ctx context.Context, alg hsm.Algorithm, issuing *smx509.Certificate) (m *SealMaterial, ok bool, err error) {
	seals, err := b.st.ListSeals(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("certs: list seals: %w", err)
	}
	var active, stopped []model.Seal
	for _, s := range seals {
		if s.Alg != string(alg) || s.Agency != b.cfg.Agency || s.CertSerial == "" {
			continue
		}
		lapsed := b.now.After(s.ValidUntil)
		switch {
		case lapsed && s.ApprovedBy != "" && s.Status != model.SealReplaced && s.Status != model.SealRejected:
			if s.Status != model.SealRevoked {
				at := s.ValidUntil
				s.Status, s.StatusChangedAt = model.SealExpired, &at
			}
			stopped = append(stopped, s)
		case lapsed:
		case s.Status == model.SealActive:
			active = append(active, s)
		case s.Status == model.SealSuspended || s.Status == model.SealRevoked:
			stopped = append(stopped, s)
		}
	}
	slices.SortStableFunc(active, func(x, y model.Seal) int { return sinceApproval(y).Compare(sinceApproval(x)) })
	for _, s := range active {
		rec, err := b.st.Certificate(ctx, s.CertSerial)
		if errors.Is(err, model.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, false, fmt.Errorf("certs: certificate of seal %s: %w", s.ID, err)
		}
		cert, usable, err := b.usable(ctx, rec, alg, issuing)
		if err != nil {
			return nil, false, err
		}
		if !usable {
			continue
		}
		key, err := b.ring.Find(ctx, s.KeyURI, s.KeyID)
		if err != nil {
			return nil, false, fmt.Errorf("certs: key %s of seal %s: %w", s.KeyID, s.ID, err)
		}
		return &SealMaterial{Seal: s, Key: key, Certificate: cert, Chain: []*smx509.Certificate{issuing}}, true, nil
	}
	if len(stopped) == 0 {
		return nil, false, nil
	}
	slices.SortStableFunc(stopped, func(x, y model.Seal) int { return lastChange(y).Compare(lastChange(x)) })
	s := stopped[0]
	rec, err := b.st.Certificate(ctx, s.CertSerial)
	if err != nil {
		return nil, false, fmt.Errorf("certs: certificate of seal %s: %w", s.ID, err)
	}
	cert, issuer, err := sealCertificate(ctx, b.st, rec)
	if err != nil {
		return nil, false, err
	}
	return &SealMaterial{Seal: s, Certificate: cert, Chain: []*smx509.Certificate{issuer}}, true, nil
}

// sinceApproval is when a seal became active: its approval, or its
// creation for a development seal.
func sinceApproval(s model.Seal) time.Time {
	if s.ApprovedAt != nil {
		return *s.ApprovedAt
	}
	return s.CreatedAt
}

// lastChange is when a seal's status last changed.
func lastChange(s model.Seal) time.Time {
	if s.StatusChangedAt != nil {
		return *s.StatusChangedAt
	}
	return s.CreatedAt
}
