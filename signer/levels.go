package signer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms"
	"sihub/certs/tsa"
	"sihub/signer/pades"
)

// Level is a PAdES baseline level (ETSI EN 319 142-1).
type Level string

// PAdES baseline levels.
const (
	// LevelBB: the CMS signature only.
	LevelBB Level = "B-B"
	// LevelBT: plus a signature timestamp (RFC 3161 token over the
	// signature value) from the TSA of the seal's algorithm.
	LevelBT Level = "B-T"
	// LevelBLT: plus a DSS revision with the seal's and the TSA's chains,
	// OCSP responses for both certificates and the CAs' CRLs.
	LevelBLT Level = "B-LT"
	// LevelBLTA: plus a document timestamp over the whole file.
	LevelBLTA Level = "B-LTA"
)

// Valid reports whether l is one of the four levels.
func (l Level) Valid() bool {
	switch l {
	case LevelBB, LevelBT, LevelBLT, LevelBLTA:
		return true
	}
	return false
}

// DefaultLevels are the levels of the kinds that need long-term
// validation; other kinds are LevelBT. Without Config.LTV every kind is
// LevelBB.
var DefaultLevels = map[string]Level{
	KindInsuranceCertificate: LevelBLT,
	KindRightsRecord:         LevelBLT,
}

// ErrLTV: the trust services a level needs failed or are not configured;
// nothing was issued.
var ErrLTV = errors.New("signer: long-term validation data")

// LTVServices are the trust services PAdES levels above B-B use: the
// time-stamp authorities, the OCSP responder and the CRLs. The app wires
// the in-process PKI services; a remote implementation is possible.
// Implementations must be safe for concurrent use and should cache (the
// CRL changes rarely, an OCSP response may be reused for minutes).
type LTVServices interface {
	// TimeStamp returns an RFC 3161 TimeStampToken (DER ContentInfo, with
	// the TSA certificate) whose message imprint is digest, made with h;
	// SM3 imprints go to the SM2 TSA, SHA-256 ones to the P-256 TSA.
	TimeStamp(ctx context.Context, h tsa.Hash, digest []byte) ([]byte, error)
	// OCSP returns a successful DER OCSPResponse about cert, issued by
	// issuer.
	OCSP(ctx context.Context, cert, issuer *smx509.Certificate) ([]byte, error)
	// CRL returns the current DER CRL of the CA that issued cert.
	CRL(ctx context.Context, cert *smx509.Certificate) ([]byte, error)
}

// levelFor returns the configured level of kind.
func (s *Service) levelFor(kind string) Level {
	if l, ok := s.cfg.Levels[kind]; ok {
		return l
	}
	if s.cfg.LTV == nil {
		return LevelBB
	}
	if l, ok := DefaultLevels[kind]; ok {
		return l
	}
	return LevelBT
}

// seal seals p at the level of kind: timestamps on every signature (B-T),
// then the DSS (B-LT), then a document timestamp (B-LTA), all before
// anything is stored. It takes p over (its callers render it for the one
// document): the file is signed and extended in p.PDF's own array, not
// copied for each step.
func (s *Service) seal(ctx context.Context, kind string, p *pades.Prepared, sealers []pades.Sealer) ([]byte, error) {
	level := s.levelFor(kind)
	if !level.Valid() {
		return nil, fmt.Errorf("%w: unknown level %q for %s", ErrLTV, level, kind)
	}
	if level == LevelBB {
		return pades.SealOwned(p, sealers)
	}
	ltv := s.cfg.LTV
	if ltv == nil {
		return nil, fmt.Errorf("%w: level %s for %s needs trust services (Config.LTV)", ErrLTV, level, kind)
	}
	tokens := make([][]byte, len(sealers))
	contents := make([][]byte, len(sealers))
	for i := range sealers {
		sealers[i].Signed = func(c []byte) { contents[i] = c }
		h, err := imprintHash(sealers[i])
		if err != nil {
			return nil, err
		}
		sealers[i].TimeStamp = func(sig []byte) ([]byte, error) {
			d := h.New()
			d.Write(sig)
			tok, err := ltv.TimeStamp(ctx, h, d.Sum(nil))
			tokens[i] = tok
			return tok, err
		}
	}
	pdf, err := pades.SealOwned(p, sealers)
	if err != nil || level == LevelBT {
		return pdf, err
	}
	if pdf, err = s.appendDSS(ctx, ltv, pdf, sealers, tokens, contents); err != nil {
		return nil, err
	}
	if level == LevelBLT {
		return pdf, nil
	}
	h, _ := imprintHash(sealers[0])
	pdf, err = pades.AppendDocTimeStamp(pdf, pades.DocTimeStamp{
		NewHash: h.New,
		Stamp:   func(digest []byte) ([]byte, error) { return ltv.TimeStamp(ctx, h, digest) },
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLTV, err)
	}
	return pdf, nil
}

// imprintHash is the timestamp imprint hash of a sealer's algorithm.
func imprintHash(sl pades.Sealer) (tsa.Hash, error) {
	if sl.Key == nil {
		return 0, errors.New("signer: sealer without a key")
	}
	d, err := cms.DigestFor(sl.Key.Public())
	if err != nil {
		return 0, fmt.Errorf("signer: %w", err)
	}
	if d.OID().Equal(tsa.SM3.OID()) {
		return tsa.SM3, nil
	}
	return tsa.SHA256, nil
}

// appendDSS gathers each signature's validation data — its chain and the
// chain in its timestamp token, an OCSP response for the seal and TSA
// certificates, the issuing CAs' CRLs — and appends the DSS. contents are
// the signatures' /Contents values as Seal wrote them (Sealer.Signed).
func (s *Service) appendDSS(ctx context.Context, ltv LTVServices, pdf []byte, sealers []pades.Sealer, tokens, contents [][]byte) ([]byte, error) {
	vals := make([]pades.Validation, len(sealers))
	now := s.cfg.Now()
	for i, sl := range sealers {
		if len(contents[i]) == 0 {
			return nil, fmt.Errorf("%w: seal %d wrote no signature", ErrLTV, i)
		}
		v := pades.Validation{Contents: contents[i]}
		chain := append([]*smx509.Certificate{sl.Certificate}, sl.Chain...)
		if err := s.ltvData.add(ctx, ltv, &v, chain, now); err != nil {
			return nil, err
		}
		tok, err := tsa.ParseToken(tokens[i])
		if err != nil {
			return nil, fmt.Errorf("%w: timestamp token: %v", ErrLTV, err)
		}
		if err := s.ltvData.add(ctx, ltv, &v, orderChain(tok.Signer(), tok.SignedData.Certificates), now); err != nil {
			return nil, err
		}
		vals[i] = v
	}
	out, err := pades.AppendDSSOwned(pdf, vals, s.cfg.Now())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLTV, err)
	}
	return out, nil
}

// addCertData adds a chain (leaf first) to v: the certificates, an OCSP
// response for the leaf, and the CRL covering each non-root certificate.
func addCertData(ctx context.Context, ltv LTVServices, v *pades.Validation, chain []*smx509.Certificate) error {
	for i, c := range chain {
		v.Certs = append(v.Certs, c.Raw)
		if isSelfIssued(c) {
			continue
		}
		if i == 0 && len(chain) > 1 {
			o, err := ltv.OCSP(ctx, c, chain[1])
			if err != nil {
				return fmt.Errorf("%w: OCSP for %s: %v", ErrLTV, c.Subject, err)
			}
			v.OCSPs = append(v.OCSPs, o)
		}
		crl, err := ltv.CRL(ctx, c)
		if err != nil {
			return fmt.Errorf("%w: CRL for %s: %v", ErrLTV, c.Subject, err)
		}
		v.CRLs = append(v.CRLs, crl)
	}
	return nil
}

// ltvDataFor is how long the validation data of a chain (addCertData) is
// reused for further documents: every document of a seal embeds the same
// chain, and an OCSP response or CRL of the last seconds says what a new
// one would (the in-process responder caches its answers for minutes).
const ltvDataFor = 30 * time.Second

// ltvCache keeps the validation data of the chains recently sealed with
// (the seals' and the TSAs'), so a document does not ask the trust
// services again. Entries are keyed by the chain's certificates and
// expire after ltvDataFor; the slices are shared and never modified.
type ltvCache struct {
	mu sync.Mutex
	m  map[string]ltvEntry
}

type ltvEntry struct {
	v     pades.Validation // Certs, OCSPs and CRLs of one chain
	until time.Time
}

// maxLTVEntries bounds the cache (a few seals and TSAs are in use).
const maxLTVEntries = 64

// add adds chain's validation data to v, from the cache when fresh.
func (c *ltvCache) add(ctx context.Context, ltv LTVServices, v *pades.Validation, chain []*smx509.Certificate, now time.Time) error {
	var key []byte
	for _, cert := range chain {
		key = append(key, cert.Raw...)
	}
	c.mu.Lock()
	e, ok := c.m[string(key)]
	c.mu.Unlock()
	if !ok || !now.Before(e.until) {
		e = ltvEntry{until: now.Add(ltvDataFor)}
		if err := addCertData(ctx, ltv, &e.v, chain); err != nil {
			return err
		}
		c.mu.Lock()
		if c.m == nil || len(c.m) >= maxLTVEntries {
			for k, old := range c.m {
				if !now.Before(old.until) {
					delete(c.m, k)
				}
			}
			if c.m == nil || len(c.m) >= maxLTVEntries {
				c.m = map[string]ltvEntry{}
			}
		}
		c.m[string(key)] = e
		c.mu.Unlock()
	}
	v.Certs = append(v.Certs, e.v.Certs...)
	v.OCSPs = append(v.OCSPs, e.v.OCSPs...)
	v.CRLs = append(v.CRLs, e.v.CRLs...)
	return nil
}

// orderChain returns leaf followed by its issuers found in pool, matched
// by name and key identifier (the verifier checks the signatures).
func orderChain(leaf *smx509.Certificate, pool []*smx509.Certificate) []*smx509.Certificate {
	if leaf == nil {
		return nil
	}
	out := []*smx509.Certificate{leaf}
	for c := leaf; len(out) < 8 && !isSelfIssued(c); {
		var next *smx509.Certificate
		for _, p := range pool {
			if string(p.RawSubject) == string(c.RawIssuer) && p != c &&
				(len(c.AuthorityKeyId) == 0 || len(p.SubjectKeyId) == 0 || string(c.AuthorityKeyId) == string(p.SubjectKeyId)) {
				next = p
				break
			}
		}
		if next == nil {
			break
		}
		out = append(out, next)
		c = next
	}
	return out
}

func isSelfIssued(c *smx509.Certificate) bool { return string(c.RawSubject) == string(c.RawIssuer) }
