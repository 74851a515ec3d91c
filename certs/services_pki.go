package certs

import (
	"context"
	"crypto/x509/pkix"
	"fmt"

	"github.com/emmansun/gmsm/smx509"

	"sihub/hsm"
)

// ServiceMaterial is a service certificate (OCSP signer or TSA) with its
// key and the issuing CA that issued it.
type ServiceMaterial struct {
	Certificate *smx509.Certificate
	Key         hsm.Key
	Issuer      *smx509.Certificate
}

// Services are the development hierarchy's OCSP signers and TSA
// certificates, by algorithm.
type Services struct {
	OCSP map[hsm.Algorithm]*ServiceMaterial
	TSA  map[hsm.Algorithm]*ServiceMaterial
}

// EnsureServices loads, for each algorithm of p, an OCSP-signer and a TSA
// certificate issued by that algorithm's issuing CA, creating them (new
// key, IssueService, stored with role RoleOCSP / RoleTSA) when none is
// usable. A stored one is reused when it is "good", issued by the current
// issuing CA, its key is in the backend, it passes LintService, and more
// than a third of its validity remains at cfg.Now — so calling this daily
// renews the 30-day OCSP signer about ten days before it expires. Callers
// rebuild the responder and the TSA from the result.
func EnsureServices(ctx context.Context, keys hsm.Backend, st Store, p *PKI, cfg Config) (*Services, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	b := &builder{keys: keys, ring: p.keyring(keys), st: st, cfg: cfg, now: cfg.Now()}
	out := &Services{OCSP: map[hsm.Algorithm]*ServiceMaterial{}, TSA: map[hsm.Algorithm]*ServiceMaterial{}}
	for _, alg := range p.algs {
		h := p.byAlg[alg]
		for _, prof := range []Profile{OCSPSignerProfile, TSAProfile} {
			m, err := b.ensureService(ctx, alg, prof, h.issuing, h.issuingKey)
			if err != nil {
				return nil, err
			}
			if prof.Role == RoleOCSP {
				out.OCSP[alg] = m
			} else {
				out.TSA[alg] = m
			}
		}
	}
	return out, nil
}

func (b *builder) ensureService(ctx context.Context, alg hsm.Algorithm, prof Profile, issuing *smx509.Certificate, issuingKey hsm.Key) (*ServiceMaterial, error) {
	recs, err := b.st.ListCertificates(ctx, prof.Role)
	if err != nil {
		return nil, fmt.Errorf("certs: list %s certificates: %w", prof.Role, err)
	}
	for i := len(recs) - 1; i >= 0; i-- { // newest first
		rec := recs[i]
		cert, ok, err := b.usable(ctx, rec, alg, issuing)
		if err != nil {
			return nil, err
		}
		if !ok || LintService(cert) != nil {
			continue
		}
		if cert.NotAfter.Sub(b.now) <= cert.NotAfter.Sub(cert.NotBefore)/3 {
			continue // due for renewal
		}
		key, err := b.ring.Find(ctx, rec.KeyURI, rec.KeyID)
		if err != nil {
			return nil, fmt.Errorf("certs: key %s of %s certificate %s: %w", rec.KeyID, prof.Role, rec.Serial, err)
		}
		return &ServiceMaterial{Certificate: cert, Key: key, Issuer: issuing}, nil
	}
	key, err := b.keys.Generate(ctx, alg, fmt.Sprintf("%s %s", prof.Role, alg))
	if err != nil {
		return nil, fmt.Errorf("certs: generate %s %s key: %w", alg, prof.Role, err)
	}
	name := map[string]string{RoleOCSP: "sihub OCSP 签名", RoleTSA: "sihub 时间戳服务"}[prof.Role]
	subject := pkix.Name{CommonName: fmt.Sprintf("%s (%s)", name, algNames[alg]), Organization: []string{b.cfg.Agency}, Country: []string{"CN"}}
	cert, err := IssueService(Request{Profile: prof, Subject: subject, PublicKey: key.Public(), Issuer: issuing,
		IssuerKey: issuingKey, Now: b.now, PublicURL: b.cfg.PublicURL})
	if err != nil {
		return nil, err
	}
	if err := b.st.PutCertificate(ctx, record(cert, alg, prof.Role, key.ID(), issuing)); err != nil {
		return nil, fmt.Errorf("certs: store %s %s certificate: %w", alg, prof.Role, err)
	}
	return &ServiceMaterial{Certificate: cert, Key: key, Issuer: issuing}, nil
}

// CASigner is a CA certificate with its key.
type CASigner struct {
	Certificate *smx509.Certificate
	Key         hsm.Key
}

// CRLSigners returns the root and issuing CA of each algorithm of p with
// their keys, found through the stored certificate records (on the
// backend each names): the CAs that sign CRLs (the root signs the one
// listing issuing CAs). Issuing CAs a rotation retired follow, when their
// key is still reachable, so the certificates they issued keep a CRL.
func CRLSigners(ctx context.Context, keys hsm.Backend, st Store, p *PKI) ([]CASigner, error) {
	ring := p.keyring(keys)
	var out []CASigner
	for _, alg := range p.algs {
		h := p.byAlg[alg]
		for _, c := range []*smx509.Certificate{h.root, h.issuing} {
			rec, err := st.Certificate(ctx, SerialHex(c.SerialNumber))
			if err != nil {
				return nil, fmt.Errorf("certs: the record of CA %s: %w", SerialHex(c.SerialNumber), err)
			}
			key, err := ring.Find(ctx, rec.KeyURI, rec.KeyID)
			if err != nil {
				return nil, fmt.Errorf("certs: the key %s of CA %s: %w", rec.KeyID, rec.Serial, err)
			}
			out = append(out, CASigner{Certificate: c, Key: key})
		}
	}
	retired, err := p.retiredSigners(ctx, ring, st)
	if err != nil {
		return nil, err
	}
	return append(out, retired...), nil
}
