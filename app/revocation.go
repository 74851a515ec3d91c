package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/crl"
	"sihub/internal/netguard"
	"sihub/model"
	"sihub/verifier"
)

// ErrRevocationUnknown: no source could say whether a certificate is
// revoked (no URL, URLs not on the fetch allow list, fetch or verification
// failures). The error wrapping it names each attempt.
var ErrRevocationUnknown = errors.New("app: revocation status unknown")

// Revocation cache defaults.
const (
	defaultRevocationEntries = 4096
	defaultRevocationCRLs    = 16
	// revocationRetryAfter is how long a failed fetch (one URL for one
	// certificate, or one CRL URL for one issuer) is not retried, so a
	// dead or refused responder costs one attempt a minute, not one per
	// verification.
	revocationRetryAfter = time.Minute
	// revocationNoNextUpdate is how long evidence without nextUpdate is
	// reused.
	revocationNoNextUpdate = 5 * time.Minute
	// revocationSkew is the clock difference tolerated in thisUpdate.
	revocationSkew = 5 * time.Minute
	// maxRevocationURLs caps the AIA OCSP and CRL DP URLs tried per
	// certificate.
	maxRevocationURLs = 2
)

// RevocationOptions configure a Revocation. Zero values take the
// documented defaults.
type RevocationOptions struct {
	// Certs is the certificate registry: certificates sihub issued are
	// answered from it, without the network. nil skips it.
	Certs CertificateStore
	// Fetch is the guarded client for OCSP and CRL fetches; nil answers
	// only from the registry.
	Fetch *netguard.Client
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Logger receives a line per failed fetch (so at most one a minute for
	// one URL and certificate); nil is slog.Default().
	Logger *slog.Logger
	// MaxEntries bounds the cached OCSP answers; default 4096.
	MaxEntries int
	// MaxCRLs bounds the cached CRLs; default 16.
	MaxCRLs int
	// RegistryCacheFor is how long a registry answer is reused: a
	// revocation reaches verifications at most this late (Purge makes it
	// immediate on this node). Default 5 s; negative disables the cache.
	RegistryCacheFor time.Duration
}

// Revocation is the verifier's RevocationSource: the registry for
// certificates sihub issued (status, revocation time and reason as stored,
// no network: the fast path for our own documents; reused for
// RevocationOptions.RegistryCacheFor), otherwise online OCSP
// (the certificate's AIA URLs) and then CRLs (its CRL distribution
// points), fetched only through the guarded client. Responses are
// verified against the issuer (an OCSP response signed by the issuer or by
// its delegated responder with id-kp-OCSPSigning; a CRL signed by the
// issuer) and cached until their nextUpdate: OCSP answers by issuer and
// serial, CRLs by URL, both bounded. A revoked certificate is reported
// revoked with its revocation time and reason whatever t is: the verifier
// compares that time with the signing time it could prove (a revocation
// after it leaves the signature valid, with a note). It is safe for
// concurrent use.
type Revocation struct {
	o RevocationOptions

	mu     sync.Mutex
	ours   map[string]registryAnswer // serial
	ocsp   map[string]ocspAnswer     // issuer digest / serial
	crls   map[string]*crlList       // URL
	failed map[string]failure        // fetch key → last failure

	inflight map[string]*flight // fetches under way, shared by concurrent callers
}

type flight struct {
	done chan struct{}
	val  any
	err  error
}

// shared runs fetch once for concurrent callers asking for the same key:
// a cold cache under load costs one request per URL, not one per
// verification. The fetch does not end with the first caller's context
// (the guarded client's timeout bounds it); each caller stops waiting
// when its own context ends.
func (r *Revocation) shared(ctx context.Context, key string, fetch func(context.Context) (any, error)) (any, error) {
	r.mu.Lock()
	if f, ok := r.inflight[key]; ok {
		r.mu.Unlock()
		select {
		case <-f.done:
			return f.val, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	r.inflight[key] = f
	r.mu.Unlock()
	f.val, f.err = fetch(context.WithoutCancel(ctx))
	r.mu.Lock()
	delete(r.inflight, key)
	r.mu.Unlock()
	close(f.done)
	return f.val, f.err
}

var _ verifier.RevocationSource = (*Revocation)(nil)

// NewRevocation returns a Revocation with o's settings.
func NewRevocation(o RevocationOptions) *Revocation {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = defaultRevocationEntries
	}
	if o.MaxCRLs <= 0 {
		o.MaxCRLs = defaultRevocationCRLs
	}
	if o.RegistryCacheFor == 0 {
		o.RegistryCacheFor = 5 * time.Second
	}
	return &Revocation{o: o, ours: map[string]registryAnswer{}, ocsp: map[string]ocspAnswer{}, crls: map[string]*crlList{}, failed: map[string]failure{},
		inflight: map[string]*flight{}}
}

// registryAnswer is a registry lookup kept for RegistryCacheFor.
type registryAnswer struct {
	der     []byte // the certificate the answer is about
	st      verifier.RevocationStatus
	ours    bool
	expires time.Time
}

// Purge drops every cached answer, e.g. after a revocation, so the next
// question reads the registry and fetches again.
func (r *Revocation) Purge() {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.ours)
	clear(r.ocsp)
	clear(r.crls)
	clear(r.failed)
}

type failure struct {
	err   error
	until time.Time
}

// Status implements verifier.RevocationSource. It returns the current
// status with the revocation time, which the verifier compares with t, so
// t itself is not needed.
func (r *Revocation) Status(ctx context.Context, cert, issuer *smx509.Certificate, _ time.Time) (verifier.RevocationStatus, error) {
	unknown := verifier.RevocationStatus{State: verifier.RevocationUnknown}
	if cert == nil || issuer == nil || cert.SerialNumber == nil {
		return unknown, fmt.Errorf("%w: no certificate or issuer", ErrRevocationUnknown)
	}
	if r.o.Certs != nil {
		st, ours, err := r.fromRegistry(ctx, cert)
		if err != nil {
			return unknown, err
		}
		if ours {
			return st, nil
		}
	}
	if r.o.Fetch == nil {
		return unknown, fmt.Errorf("%w: %s is not in the registry and online checks are off", ErrRevocationUnknown, describe(cert))
	}
	var errs []error
	for _, u := range firstURLs(cert.OCSPServer) {
		st, err := r.viaOCSP(ctx, u, cert, issuer)
		if err == nil {
			return st, nil
		}
		errs = append(errs, fmt.Errorf("OCSP %s: %w", u, err))
	}
	for _, u := range firstURLs(cert.CRLDistributionPoints) {
		st, err := r.viaCRL(ctx, u, cert, issuer)
		if err == nil {
			return st, nil
		}
		errs = append(errs, fmt.Errorf("CRL %s: %w", u, err))
	}
	if len(errs) == 0 {
		return unknown, fmt.Errorf("%w: %s names no OCSP responder and no CRL", ErrRevocationUnknown, describe(cert))
	}
	return unknown, fmt.Errorf("%w: %s: %w", ErrRevocationUnknown, describe(cert), errors.Join(errs...))
}

// fromRegistry answers for a certificate sihub issued: one whose stored
// record holds exactly these bytes. ours is false for any other.
func (r *Revocation) fromRegistry(ctx context.Context, cert *smx509.Certificate) (verifier.RevocationStatus, bool, error) {
	serial := cert.SerialNumber.Text(16)
	now := r.o.Now()
	r.mu.Lock()
	c, ok := r.ours[serial]
	r.mu.Unlock()
	if ok && now.Before(c.expires) && bytes.Equal(c.der, cert.Raw) {
		return c.st, c.ours, nil
	}
	st, ours, err := r.lookUp(ctx, cert, serial)
	if err != nil || r.o.RegistryCacheFor < 0 {
		return st, ours, err
	}
	r.mu.Lock()
	if len(r.ours) >= r.o.MaxEntries {
		clear(r.ours)
	}
	r.ours[serial] = registryAnswer{der: cert.Raw, st: st, ours: ours, expires: now.Add(r.o.RegistryCacheFor)}
	r.mu.Unlock()
	return st, ours, nil
}

func (r *Revocation) lookUp(ctx context.Context, cert *smx509.Certificate, serial string) (st verifier.RevocationStatus, ours bool, err error) {
	rec, err := r.o.Certs.Certificate(ctx, serial)
	if errors.Is(err, model.ErrNotFound) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("%w: registry: %w", ErrRevocationUnknown, err)
	}
	if !bytes.Equal(rec.DER, cert.Raw) {
		return st, false, nil // the same serial from another CA
	}
	st = verifier.RevocationStatus{State: verifier.RevocationGood, Source: verifier.RevocationSourceRegistry}
	switch rec.Status {
	case "good":
		return st, true, nil
	case crl.StatusRevoked, crl.StatusSuspended:
		at := rec.NotBefore // no time recorded: revoked from the start, the conservative reading
		if rec.RevokedAt != nil {
			at = *rec.RevokedAt
		}
		reason := rec.RevocationReason
		if rec.Status == crl.StatusSuspended {
			reason = int(crl.CertificateHold)
		}
		return revoked(st, at, reason), true, nil
	}
	return st, true, fmt.Errorf("%w: registry: certificate %s has status %q", ErrRevocationUnknown, rec.Serial, rec.Status)
}

// revoked turns st into a revocation at `at` for reason.
func revoked(st verifier.RevocationStatus, at time.Time, reason int) verifier.RevocationStatus {
	st.State, st.RevokedAt, st.Reason = verifier.RevocationRevoked, at, reason
	return st
}

// recentFailure returns the error of the fetch named key (kind, URL and
// certificate or issuer) that failed less than revocationRetryAfter ago.
func (r *Revocation) recentFailure(key string, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f, ok := r.failed[key]; ok && now.Before(f.until) {
		return f.err
	}
	return nil
}

func (r *Revocation) noteFailure(key, u string, now time.Time, err error) {
	r.o.Logger.Warn("revocation fetch failed; not retried for a minute", "url", u, "err", err.Error())
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.failed) >= r.o.MaxEntries {
		clear(r.failed)
	}
	r.failed[key] = failure{err: err, until: now.Add(revocationRetryAfter)}
}

// firstURLs keeps the first http(s) URLs of a list (LDAP and others are
// not fetched).
func firstURLs(urls []string) []string {
	var out []string
	for _, u := range urls {
		if len(out) == maxRevocationURLs {
			break
		}
		if len(u) > 7 && (u[:7] == "http://" || len(u) > 8 && u[:8] == "https://") {
			out = append(out, u)
		}
	}
	return out
}

func describe(c *smx509.Certificate) string {
	return fmt.Sprintf("certificate %x (%s)", c.SerialNumber, c.Subject.CommonName)
}

// issuerKey names an issuer in cache keys: the digest of its certificate.
func issuerKey(issuer *smx509.Certificate) string {
	d := sha256.Sum256(issuer.Raw)
	return hex.EncodeToString(d[:16])
}

// fresh reports whether evidence issued at thisUpdate with nextUpdate
// (zero when absent) may be used at now, and until when it may be cached.
func fresh(thisUpdate, nextUpdate, now time.Time) (time.Time, error) {
	if thisUpdate.After(now.Add(revocationSkew)) {
		return time.Time{}, fmt.Errorf("thisUpdate %s is in the future", thisUpdate.UTC().Format(time.RFC3339))
	}
	if nextUpdate.IsZero() {
		if now.Sub(thisUpdate) > revocationNoNextUpdate {
			return time.Time{}, fmt.Errorf("no nextUpdate and thisUpdate %s is old", thisUpdate.UTC().Format(time.RFC3339))
		}
		return thisUpdate.Add(revocationNoNextUpdate), nil
	}
	if !now.Before(nextUpdate) {
		return time.Time{}, fmt.Errorf("stale: nextUpdate %s has passed", nextUpdate.UTC().Format(time.RFC3339))
	}
	return nextUpdate, nil
}
