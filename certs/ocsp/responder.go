package ocsp

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/certs/ocsp/ocspparse"
)

// Issuer is one CA the responder answers for and its delegated signer.
type Issuer struct {
	// CA is the certificate of the CA whose certificates are answered for.
	CA *smx509.Certificate
	// Signer is the OCSP-signer certificate issued by CA
	// (certs.OCSPSignerProfile); Key is its private key.
	Signer *smx509.Certificate
	Key    crypto.Signer
}

// Config configures a Responder. Zero values take the documented defaults.
type Config struct {
	Issuers []Issuer
	Source  Source
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Validity is nextUpdate − thisUpdate; default 1 h.
	Validity time.Duration
	// CacheFor is how long an answer to a request without a nonce is reused;
	// default 5 min, negative disables the cache. Must be below Validity.
	CacheFor time.Duration
	// MaxCacheEntries bounds the cache (it is emptied when full); default
	// 100,000.
	MaxCacheEntries int
	// MaxRequests caps the CertIDs in one request; default DefaultMaxRequests.
	MaxRequests int
	// Rand is the signatures' randomness; nil is crypto/rand.
	Rand io.Reader
	// Logger receives one line per internal error; nil is slog.Default().
	Logger *slog.Logger
}

type issuerEntry struct {
	serial   string
	names    map[Hash][2][]byte // name hash, key hash
	signer   []byte             // DER signer certificate
	keyHash  []byte             // SHA-1 of the signer's public key: ResponderID byKey
	key      crypto.Signer
	alg      sigAlg
	caSerial string
}

type cached struct {
	der        []byte
	nextUpdate time.Time
	expires    time.Time
}

// Responder answers OCSP requests. It is safe for concurrent use.
type Responder struct {
	cfg     Config
	issuers []*issuerEntry

	mu    sync.RWMutex
	cache map[string]cached
}

// NewResponder checks each signer (issued by its CA, id-kp-OCSPSigning,
// ocsp-nocheck, key matching) and returns a Responder.
func NewResponder(cfg Config) (*Responder, error) {
	if cfg.Source == nil || len(cfg.Issuers) == 0 {
		return nil, fmt.Errorf("%w: a responder needs a source and at least one issuer", ErrInvalid)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Validity == 0 {
		cfg.Validity = time.Hour
	}
	if cfg.CacheFor == 0 {
		cfg.CacheFor = 5 * time.Minute
	}
	if cfg.MaxCacheEntries <= 0 {
		cfg.MaxCacheEntries = 100_000
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Validity < time.Minute || cfg.CacheFor >= cfg.Validity {
		return nil, fmt.Errorf("%w: validity %s, cache %s", ErrInvalid, cfg.Validity, cfg.CacheFor)
	}
	r := &Responder{cfg: cfg, cache: map[string]cached{}}
	for _, iss := range cfg.Issuers {
		e, err := newIssuerEntry(iss)
		if err != nil {
			return nil, err
		}
		r.issuers = append(r.issuers, e)
	}
	return r, nil
}

func newIssuerEntry(iss Issuer) (*issuerEntry, error) {
	if iss.CA == nil || iss.Signer == nil || iss.Key == nil {
		return nil, fmt.Errorf("%w: an issuer needs a CA, a signer certificate and its key", ErrInvalid)
	}
	if err := iss.Signer.CheckSignatureFrom(iss.CA); err != nil {
		return nil, fmt.Errorf("%w: the OCSP signer %q is not issued by %q: %v", ErrInvalid, iss.Signer.Subject.CommonName, iss.CA.Subject.CommonName, err)
	}
	if !slices.Contains(iss.Signer.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) {
		return nil, fmt.Errorf("%w: the OCSP signer %q lacks id-kp-OCSPSigning", ErrInvalid, iss.Signer.Subject.CommonName)
	}
	if err := certs.LintService(iss.Signer); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if k, ok := iss.Key.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !k.Equal(iss.Signer.PublicKey) {
		return nil, fmt.Errorf("%w: the key is not the OCSP signer's", ErrInvalid)
	}
	alg, err := signatureAlgorithmFor(iss.Key.Public())
	if err != nil {
		return nil, err
	}
	bits, err := ocspparse.PublicKeyBits(iss.Signer.RawSubjectPublicKeyInfo)
	if err != nil {
		return nil, err
	}
	kh := sha1.Sum(bits)
	e := &issuerEntry{serial: certs.SerialHex(iss.CA.SerialNumber), names: map[Hash][2][]byte{}, signer: iss.Signer.Raw,
		keyHash: kh[:], key: iss.Key, alg: alg}
	for _, h := range []Hash{SHA1, SHA256, SM3} {
		n, k, err := ocspparse.IssuerHashes(h, iss.CA)
		if err != nil {
			return nil, err
		}
		e.names[h] = [2][]byte{n, k}
	}
	return e, nil
}

func (e *issuerEntry) matches(id CertID) bool {
	nk, ok := e.names[id.Hash]
	return ok && bytes.Equal(nk[0], id.IssuerNameHash) && bytes.Equal(nk[1], id.IssuerKeyHash)
}

// Result describes a response Respond produced.
type Result struct {
	Status ResponseStatus
	// NextUpdate of the answers (zero unless Successful).
	NextUpdate time.Time
	// ProducedAt of the response (zero unless Successful).
	ProducedAt time.Time
	// Cached is true when the response came from the cache.
	Cached bool
	// Nonce is true when the request carried a nonce.
	Nonce bool
}

// Respond answers a DER OCSPRequest with a DER OCSPResponse; errors are
// expressed as response statuses, never returned.
func (r *Responder) Respond(ctx context.Context, der []byte) ([]byte, Result) {
	req, err := ParseRequest(der, r.cfg.MaxRequests)
	if err != nil {
		return errorResponse(MalformedRequest), Result{Status: MalformedRequest}
	}
	return r.RespondTo(ctx, req)
}

// RespondTo answers a parsed request.
func (r *Responder) RespondTo(ctx context.Context, req *Request) ([]byte, Result) {
	var iss *issuerEntry
	for _, id := range req.CertIDs {
		for _, e := range r.issuers {
			if e.matches(id) {
				iss = e
				break
			}
		}
		if iss != nil {
			break
		}
	}
	if iss == nil {
		return errorResponse(Unauthorized), Result{Status: Unauthorized}
	}
	now := r.cfg.Now().UTC().Truncate(time.Second)
	cacheKey := ""
	if req.Nonce == nil && len(req.CertIDs) == 1 && r.cfg.CacheFor > 0 {
		cacheKey = string(req.CertIDs[0].Raw)
		r.mu.RLock()
		c, ok := r.cache[cacheKey]
		r.mu.RUnlock()
		if ok && now.Before(c.expires) {
			return c.der, Result{Status: Successful, NextUpdate: c.nextUpdate, ProducedAt: c.expires.Add(-r.cfg.CacheFor), Cached: true}
		}
	}
	answers := make([]answer, len(req.CertIDs))
	for i, id := range req.CertIDs {
		answers[i] = answer{certID: id.Raw, status: Status{State: Unknown}}
		if !iss.matches(id) {
			continue
		}
		st, err := r.cfg.Source.Status(ctx, iss.serial, id.SerialNumber)
		if err != nil {
			r.cfg.Logger.ErrorContext(ctx, "ocsp: status source", "issuer", iss.serial, "serial", id.SerialNumber.Text(16), "err", err)
			return errorResponse(InternalError), Result{Status: InternalError}
		}
		if st.State == Revoked && (st.RevokedAt.IsZero() || !st.Reason.Valid()) {
			r.cfg.Logger.ErrorContext(ctx, "ocsp: revoked status without time or with a bad reason", "serial", id.SerialNumber.Text(16))
			return errorResponse(InternalError), Result{Status: InternalError}
		}
		answers[i].status = st
	}
	next := now.Add(r.cfg.Validity)
	out, err := r.sign(iss, now, answers, next, req.Nonce)
	if err != nil {
		r.cfg.Logger.ErrorContext(ctx, "ocsp: sign", "issuer", iss.serial, "err", err)
		return errorResponse(InternalError), Result{Status: InternalError}
	}
	if cacheKey != "" {
		r.mu.Lock()
		if len(r.cache) >= r.cfg.MaxCacheEntries {
			clear(r.cache)
		}
		r.cache[cacheKey] = cached{der: out, nextUpdate: next, expires: now.Add(r.cfg.CacheFor)}
		r.mu.Unlock()
	}
	return out, Result{Status: Successful, NextUpdate: next, ProducedAt: now, Nonce: req.Nonce != nil}
}

func (r *Responder) sign(iss *issuerEntry, now time.Time, answers []answer, next time.Time, nonce []byte) ([]byte, error) {
	tbs, err := responseData(iss.keyHash, now, answers, now, next, nonce)
	if err != nil {
		return nil, err
	}
	sig, err := iss.alg.sign(iss.key, tbs, r.cfg.Rand)
	if err != nil {
		return nil, errors.Join(errors.New("ocsp: signing"), err)
	}
	return basicResponse(tbs, iss.alg, sig, iss.signer)
}

// Now is the responder's clock (Config.Now): the time its answers are
// made at, which HTTP caching headers count from.
func (r *Responder) Now() time.Time { return r.cfg.Now() }

// Purge drops every cached answer, so that a revocation is answered at
// once.
func (r *Responder) Purge() {
	r.mu.Lock()
	clear(r.cache)
	r.mu.Unlock()
}
