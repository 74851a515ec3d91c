package certs

import (
	"context"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/hsm"
	"sihub/model"
)

// Store persists certificates and seals; store.Store implements it.
type Store interface {
	PutCertificate(ctx context.Context, c model.Certificate) error
	Certificate(ctx context.Context, serial string) (model.Certificate, error)
	// ListCertificates lists certificates of a role ("" for all), oldest first.
	ListCertificates(ctx context.Context, role string) ([]model.Certificate, error)
	PutSeal(ctx context.Context, s model.Seal) error
	Seal(ctx context.Context, id string) (model.Seal, error)
	ListSeals(ctx context.Context) ([]model.Seal, error)
}

// Config describes the development hierarchy.
type Config struct {
	// Agency is the social insurance agency's name: the O of every
	// certificate and the name drawn around the seal. Required.
	Agency string
	// Region is the agency's 6-digit area code, written as the seal
	// certificate's locality (L); optional.
	Region string
	// Algorithms to provide; empty means SM2 and P-256.
	Algorithms []hsm.Algorithm
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// PublicURL is the base of CRL and caIssuers URLs; empty is
	// http://127.0.0.1:8080.
	PublicURL string
	// OpenBackend opens the backend a certificate's or seal's KeyURI
	// names (a CA key on another token than the instance's); nil is
	// hsm.Open.
	OpenBackend hsm.Opener
}

// withDefaults checks that cfg names the agency and fills in the clock and
// the public URL.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Agency == "" {
		return cfg, fmt.Errorf("%w: Agency is empty", ErrConfig)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = DefaultPublicURL
	}
	return cfg, nil
}

// BusinessSealName is the name of the agency's business seal.
const BusinessSealName = "业务专用章"

// Seal statuses (model.Seal.Status) and certificate statuses.
const (
	SealActive = "active"
	CertGood   = "good"
)

// DefaultPublicURL is used when Config.PublicURL is empty.
const DefaultPublicURL = "http://127.0.0.1:8080"

// SealMaterial is everything a sealer needs for one seal.
type SealMaterial struct {
	Seal        model.Seal
	Key         hsm.Key
	Certificate *smx509.Certificate
	// Chain is the issuing CA certificate (not the root).
	Chain []*smx509.Certificate
}

// hierarchy is one algorithm's chain.
type hierarchy struct {
	root, issuing *smx509.Certificate
	issuingKey    hsm.Key
	seal          *SealMaterial
}

// PKI is the loaded development hierarchy. It is safe for concurrent use;
// after EnsureDevelopmentPKI only the seal of each algorithm changes, when
// the seal lifecycle activates or stops one (pki_seals.go).
type PKI struct {
	// mu guards sealByID and each hierarchy's seal.
	mu       sync.RWMutex
	algs     []hsm.Algorithm
	byAlg    map[hsm.Algorithm]*hierarchy
	bySerial map[string]*smx509.Certificate
	bySKI    map[string]*smx509.Certificate
	sealByID map[string]*SealMaterial
	// ring reaches keys on the backends their records name.
	ring *Keyring
}

// Roots returns the root CA certificates, one per algorithm, in the order
// of Config.Algorithms.
func (p *PKI) Roots() []*smx509.Certificate {
	out := make([]*smx509.Certificate, 0, len(p.algs))
	for _, a := range p.algs {
		out = append(out, p.byAlg[a].root)
	}
	return out
}

// Root returns the root CA certificate of alg.
func (p *PKI) Root(alg hsm.Algorithm) (*smx509.Certificate, error) {
	h, err := p.hierarchy(alg)
	if err != nil {
		return nil, err
	}
	return h.root, nil
}

// Issuing returns the issuing CA certificate of alg.
func (p *PKI) Issuing(alg hsm.Algorithm) (*smx509.Certificate, error) {
	h, err := p.hierarchy(alg)
	if err != nil {
		return nil, err
	}
	return h.issuing, nil
}

// IssuingKey returns the issuing CA's key of alg (for signing CRLs and
// OCSP responses).
func (p *PKI) IssuingKey(alg hsm.Algorithm) (hsm.Key, error) {
	h, err := p.hierarchy(alg)
	if err != nil {
		return nil, err
	}
	return h.issuingKey, nil
}

// Seal returns the seal alg seals with: the active seal, or, once the
// lifecycle stopped it (suspended, revoked …) and none took over, that
// seal with its status — which the signer refuses, naming it.
func (p *PKI) Seal(alg hsm.Algorithm) (*SealMaterial, error) {
	h, err := p.hierarchy(alg)
	if err != nil {
		return nil, err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	return h.seal, nil
}

// SealByID returns the seal with the given model.Seal.ID.
func (p *PKI) SealByID(id string) (*SealMaterial, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if m, ok := p.sealByID[id]; ok {
		return m, nil
	}
	return nil, fmt.Errorf("%w: seal %q", ErrNotFound, id)
}

// CertificateBySKI finds a certificate of the hierarchy by its subject key
// identifier (as in a QR token's key id).
func (p *PKI) CertificateBySKI(ski []byte) (*smx509.Certificate, error) {
	if c, ok := p.bySKI[hex.EncodeToString(ski)]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("%w: no certificate with key identifier %x", ErrNotFound, ski)
}

// CertificateBySerial finds a certificate of the hierarchy by its serial in
// lower-case hex (model.Certificate.Serial).
func (p *PKI) CertificateBySerial(serial string) (*smx509.Certificate, error) {
	if c, ok := p.bySerial[serial]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("%w: no certificate with serial %s", ErrNotFound, serial)
}

func (p *PKI) hierarchy(alg hsm.Algorithm) (*hierarchy, error) {
	if h, ok := p.byAlg[alg]; ok {
		return h, nil
	}
	return nil, fmt.Errorf("%w: no %s hierarchy (configured: %v)", ErrNotFound, alg, p.algs)
}

// EnsureDevelopmentPKI loads the hierarchy and the agency's business seal
// (业务专用章) for each algorithm from the store, creating on first call what
// is missing (keys in the backend, certificates and seals in the store).
// It is idempotent: a second call loads what the first created.
//
// A stored certificate is reused when it is of the algorithm, "good", valid
// at Config.Now and (below the root) issued by the chosen parent — the
// oldest such root, the newest such issuing CA (so one made by
// RotateIssuing takes over); a seal when it is active, of the agency and
// algorithm, and its certificate was issued by the chosen issuing CA. Keys
// are found on the backend each record's KeyURI names (Config.OpenBackend).
// A stored certificate whose key is gone from its backend is an error, not
// silently replaced. Every good CA and seal certificate of the store stays
// findable by serial and key identifier. Close releases the backends
// opened for keys outside keys.
func EnsureDevelopmentPKI(ctx context.Context, keys hsm.Backend, st Store, cfg Config) (*PKI, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Region != "" && !isDigits(cfg.Region, 6) {
		return nil, fmt.Errorf("%w: Region %q is not a 6-digit area code", ErrConfig, cfg.Region)
	}
	if len(cfg.Algorithms) == 0 {
		cfg.Algorithms = []hsm.Algorithm{hsm.SM2, hsm.P256}
	}
	for _, a := range cfg.Algorithms {
		if _, ok := algNames[a]; !ok {
			return nil, fmt.Errorf("%w: algorithm %q (want sm2 or p256)", ErrConfig, a)
		}
	}
	p := &PKI{
		algs:     slices.Clone(cfg.Algorithms),
		byAlg:    map[hsm.Algorithm]*hierarchy{},
		bySerial: map[string]*smx509.Certificate{},
		bySKI:    map[string]*smx509.Certificate{},
		sealByID: map[string]*SealMaterial{},
	}
	p.ring = NewKeyring(keys, cfg.OpenBackend)
	b := &builder{keys: keys, ring: p.ring, st: st, cfg: cfg, now: cfg.Now()}
	for _, alg := range p.algs {
		h, err := b.ensure(ctx, alg)
		if err != nil {
			p.ring.Close()
			return nil, err
		}
		p.byAlg[alg] = h
		for _, c := range []*smx509.Certificate{h.root, h.issuing, h.seal.Certificate} {
			p.bySerial[SerialHex(c.SerialNumber)] = c
			p.bySKI[hex.EncodeToString(c.SubjectKeyId)] = c
		}
		p.sealByID[h.seal.Seal.ID] = h.seal
	}
	if err := b.ensureSESeals(ctx, p); err != nil {
		p.ring.Close()
		return nil, err
	}
	if err := b.indexCAs(ctx, p); err != nil {
		p.ring.Close()
		return nil, err
	}
	return p, nil
}

var algNames = map[hsm.Algorithm]string{hsm.SM2: "SM2", hsm.P256: "P-256"}

type builder struct {
	keys hsm.Backend
	ring *Keyring
	st   Store
	cfg  Config
	now  time.Time
}

func (b *builder) ensure(ctx context.Context, alg hsm.Algorithm) (*hierarchy, error) {
	root, rootKey, err := b.ensureCA(ctx, alg, RootProfile, nil, nil)
	if err != nil {
		return nil, err
	}
	issuing, issuingKey, err := b.ensureCA(ctx, alg, IssuingProfile, root, rootKey)
	if err != nil {
		return nil, err
	}
	seal, err := b.ensureSeal(ctx, alg, issuing)
	if err != nil {
		return nil, err
	}
	return &hierarchy{root: root, issuing: issuing, issuingKey: issuingKey, seal: seal}, nil
}

// ensureCA loads or creates the CA certificate of a profile under parent
// (nil for the root) and returns it with its key: the oldest usable root,
// the newest usable issuing CA (so a rotated one takes over).
func (b *builder) ensureCA(ctx context.Context, alg hsm.Algorithm, prof Profile, parent *smx509.Certificate, parentKey hsm.Key) (*smx509.Certificate, hsm.Key, error) {
	recs, err := b.st.ListCertificates(ctx, prof.Role)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: list %s certificates: %w", prof.Role, err)
	}
	if prof.Role == model.RoleIssuing {
		slices.Reverse(recs)
	}
	for _, rec := range recs {
		cert, ok, err := b.usable(ctx, rec, alg, parent)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			key, err := b.ring.Find(ctx, rec.KeyURI, rec.KeyID)
			if err != nil {
				return nil, nil, fmt.Errorf("certs: the %s %s CA key %s: %w", alg, prof.Role, rec.KeyID, err)
			}
			return cert, key, nil
		}
	}
	subject := pkix.Name{Organization: []string{b.cfg.Agency}, Country: []string{"CN"}}
	if prof.Role == model.RoleRoot {
		subject.CommonName = fmt.Sprintf("sihub 开发根CA (%s)", algNames[alg])
	} else {
		subject.CommonName = fmt.Sprintf("sihub 开发签发CA (%s)", algNames[alg])
	}
	key, err := b.keys.Generate(ctx, alg, fmt.Sprintf("%s CA %s", prof.Role, alg))
	if err != nil {
		return nil, nil, fmt.Errorf("certs: generate %s %s CA key: %w", alg, prof.Role, err)
	}
	signer := hsm.Key(key)
	if parent != nil {
		signer = parentKey
	}
	cert, err := Issue(Request{Profile: prof, Subject: subject, PublicKey: key.Public(), Issuer: parent,
		IssuerKey: signer, Now: b.now, PublicURL: b.cfg.PublicURL})
	if err != nil {
		return nil, nil, err
	}
	if err := b.st.PutCertificate(ctx, record(cert, alg, prof.Role, key.ID(), parent)); err != nil {
		return nil, nil, fmt.Errorf("certs: store %s %s certificate: %w", alg, prof.Role, err)
	}
	return cert, key, nil
}

// usable parses rec and reports whether it serves as alg's certificate
// under parent at b.now.
func (b *builder) usable(ctx context.Context, rec model.Certificate, alg hsm.Algorithm, parent *smx509.Certificate) (*smx509.Certificate, bool, error) {
	if rec.Alg != string(alg) || rec.Status != CertGood {
		return nil, false, nil
	}
	if parent != nil && rec.IssuerSerial != SerialHex(parent.SerialNumber) {
		return nil, false, nil
	}
	cert, err := smx509.ParseCertificate(rec.DER)
	if err != nil {
		return nil, false, fmt.Errorf("certs: stored certificate %s does not parse: %w", rec.Serial, err)
	}
	if b.now.Before(cert.NotBefore) || b.now.After(cert.NotAfter) {
		return nil, false, nil
	}
	if parent != nil {
		if err := cert.CheckSignatureFrom(parent); err != nil {
			return nil, false, fmt.Errorf("certs: stored certificate %s is not signed by its issuer %s: %w", rec.Serial, rec.IssuerSerial, err)
		}
	}
	if _, err := b.ring.Find(ctx, rec.KeyURI, rec.KeyID); err != nil {
		return nil, false, fmt.Errorf("certs: key %s of stored %s certificate %s: %w", rec.KeyID, rec.Role, rec.Serial, err)
	}
	return cert, true, nil
}

func (b *builder) ensureSeal(ctx context.Context, alg hsm.Algorithm, issuing *smx509.Certificate) (*SealMaterial, error) {
	if m, ok, err := b.lifecycleSeal(ctx, alg, issuing); ok || err != nil {
		return m, err
	}
	seals, err := b.st.ListSeals(ctx)
	if err != nil {
		return nil, fmt.Errorf("certs: list seals: %w", err)
	}
	for _, s := range seals {
		if s.Alg != string(alg) || s.Agency != b.cfg.Agency || s.Name != BusinessSealName || s.Status != SealActive {
			continue
		}
		rec, err := b.st.Certificate(ctx, s.CertSerial)
		if errors.Is(err, model.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("certs: certificate of seal %s: %w", s.ID, err)
		}
		cert, ok, err := b.usable(ctx, rec, alg, issuing)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		key, err := b.ring.Find(ctx, s.KeyURI, s.KeyID)
		if err != nil {
			return nil, fmt.Errorf("certs: key %s of seal %s: %w", s.KeyID, s.ID, err)
		}
		return &SealMaterial{Seal: s, Key: key, Certificate: cert, Chain: []*smx509.Certificate{issuing}}, nil
	}

	issuingRec, err := b.st.Certificate(ctx, SerialHex(issuing.SerialNumber))
	if err != nil {
		return nil, fmt.Errorf("certs: the %s issuing CA record: %w", alg, err)
	}
	issuerKey, err := b.ring.Find(ctx, issuingRec.KeyURI, issuingRec.KeyID)
	if err != nil {
		return nil, fmt.Errorf("certs: the %s issuing CA key %s: %w", alg, issuingRec.KeyID, err)
	}
	key, err := b.keys.Generate(ctx, alg, fmt.Sprintf("seal %s %s", BusinessSealName, alg))
	if err != nil {
		return nil, fmt.Errorf("certs: generate %s seal key: %w", alg, err)
	}
	subject := pkix.Name{CommonName: b.cfg.Agency + " " + BusinessSealName, Organization: []string{b.cfg.Agency}, Country: []string{"CN"}}
	if b.cfg.Region != "" {
		subject.Locality = []string{b.cfg.Region}
	}
	cert, err := Issue(Request{Profile: SealProfile, Subject: subject, PublicKey: key.Public(), Issuer: issuing,
		IssuerKey: issuerKey, Now: b.now, PublicURL: b.cfg.PublicURL})
	if err != nil {
		return nil, err
	}
	serial := SerialHex(cert.SerialNumber)
	if err := b.st.PutCertificate(ctx, record(cert, alg, SealProfile.Role, key.ID(), issuing)); err != nil {
		return nil, fmt.Errorf("certs: store %s seal certificate: %w", alg, err)
	}
	seal := model.Seal{
		ID:         fmt.Sprintf("seal-%s-%.12s", alg, serial),
		Name:       BusinessSealName,
		Agency:     b.cfg.Agency,
		Alg:        string(alg),
		KeyID:      key.ID(),
		CertSerial: serial,
		Status:     SealActive,
		ValidFrom:  cert.NotBefore,
		ValidUntil: cert.NotAfter,
		CreatedAt:  b.now.UTC(),
	}
	if err := b.st.PutSeal(ctx, seal); err != nil {
		return nil, fmt.Errorf("certs: store %s seal: %w", alg, err)
	}
	return &SealMaterial{Seal: seal, Key: key, Certificate: cert, Chain: []*smx509.Certificate{issuing}}, nil
}

func record(cert *smx509.Certificate, alg hsm.Algorithm, role, keyID string, issuer *smx509.Certificate) model.Certificate {
	rec := model.Certificate{
		Serial:    SerialHex(cert.SerialNumber),
		Alg:       string(alg),
		Role:      role,
		Subject:   cert.Subject.String(),
		KeyID:     keyID,
		DER:       cert.Raw,
		NotBefore: cert.NotBefore,
		NotAfter:  cert.NotAfter,
		Status:    CertGood,
	}
	if issuer != nil {
		rec.IssuerSerial = SerialHex(issuer.SerialNumber)
	}
	return rec
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
