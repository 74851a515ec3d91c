package crl

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"sync"
	"time"

	"sihub/certs"
)

// PublisherConfig configures a Publisher. Zero values take the documented
// defaults.
type PublisherConfig struct {
	// Issuers are the CAs whose CRLs are published (issuing CAs and roots).
	Issuers []Issuer
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Validity is nextUpdate − thisUpdate; default 24 h.
	Validity time.Duration
	// RefreshBefore is how long before nextUpdate a new CRL is built;
	// default a quarter of Validity. It must be less than Validity.
	RefreshBefore time.Duration
	// Rand is the signatures' randomness; nil is crypto/rand.
	Rand io.Reader
}

// Published is one issuer's current CRL.
type Published struct {
	DER        []byte
	Number     *big.Int
	ThisUpdate time.Time
	NextUpdate time.Time
	// RefreshAt is when the Publisher builds the next one unless told
	// earlier: NextUpdate − RefreshBefore.
	RefreshAt time.Time
}

// Publisher caches each issuer's CRL and rebuilds it when due. It is safe
// for concurrent use; builds of one issuer are serialised.
type Publisher struct {
	src     Source
	cfg     PublisherConfig
	issuers map[string]Issuer

	mu      sync.Mutex
	current map[string]*Published
	last    *big.Int // the highest CRL number issued
	locks   map[string]*sync.Mutex
}

// NewPublisher checks the configuration and returns a Publisher; nothing is
// built until the first request or Refresh.
func NewPublisher(src Source, cfg PublisherConfig) (*Publisher, error) {
	if src == nil {
		return nil, fmt.Errorf("%w: no revocation source", ErrInvalid)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Validity == 0 {
		cfg.Validity = 24 * time.Hour
	}
	if cfg.RefreshBefore == 0 {
		cfg.RefreshBefore = cfg.Validity / 4
	}
	if cfg.Validity < time.Minute || cfg.RefreshBefore < 0 || cfg.RefreshBefore >= cfg.Validity {
		return nil, fmt.Errorf("%w: validity %s, refresh %s before nextUpdate", ErrInvalid, cfg.Validity, cfg.RefreshBefore)
	}
	p := &Publisher{src: src, cfg: cfg, issuers: map[string]Issuer{}, current: map[string]*Published{},
		last: new(big.Int), locks: map[string]*sync.Mutex{}}
	for _, iss := range cfg.Issuers {
		if iss.Certificate == nil || iss.Key == nil {
			return nil, fmt.Errorf("%w: an issuer needs a certificate and a key", ErrInvalid)
		}
		s := certs.SerialHex(iss.Certificate.SerialNumber)
		p.issuers[s] = iss
		p.locks[s] = &sync.Mutex{}
	}
	return p, nil
}

// Now is the publisher's clock (PublisherConfig.Now), which HTTP caching
// headers count from.
func (p *Publisher) Now() time.Time { return p.cfg.Now() }

// CRL returns the issuer's current CRL, building it first when there is
// none yet or its refresh point has passed.
func (p *Publisher) CRL(ctx context.Context, issuerSerial string) (*Published, error) {
	if _, ok := p.issuers[issuerSerial]; !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownIssuer, issuerSerial)
	}
	p.mu.Lock()
	cur := p.current[issuerSerial]
	p.mu.Unlock()
	if cur != nil && p.cfg.Now().Before(cur.RefreshAt) {
		return cur, nil
	}
	return p.rebuild(ctx, issuerSerial, cur)
}

// Refresh builds a new CRL for the issuer now (after a revocation).
func (p *Publisher) Refresh(ctx context.Context, issuerSerial string) (*Published, error) {
	if _, ok := p.issuers[issuerSerial]; !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownIssuer, issuerSerial)
	}
	return p.rebuild(ctx, issuerSerial, nil)
}

// RefreshDue rebuilds every CRL whose refresh point has passed (or that
// was never built) and returns the earliest next refresh point. The
// scheduled refresh calls it; see Run.
func (p *Publisher) RefreshDue(ctx context.Context) (time.Time, error) {
	var next time.Time
	for s := range p.issuers {
		pub, err := p.CRL(ctx, s)
		if err != nil {
			return time.Time{}, err
		}
		if next.IsZero() || pub.RefreshAt.Before(next) {
			next = pub.RefreshAt
		}
	}
	return next, nil
}

// Run calls RefreshDue on every tick until ctx ends or ticks closes; the
// caller owns the ticker (time.NewTicker(time.Minute).C in production, a
// channel in tests). Errors go to onError (may be nil) and do not stop the
// loop: the previous CRL stays served until it can be rebuilt.
func (p *Publisher) Run(ctx context.Context, ticks <-chan time.Time, onError func(error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ticks:
			if !ok {
				return
			}
			if _, err := p.RefreshDue(ctx); err != nil && onError != nil {
				onError(err)
			}
		}
	}
}

// rebuild builds the issuer's CRL unless another caller replaced seen in
// the meantime (then that one is returned).
func (p *Publisher) rebuild(ctx context.Context, issuerSerial string, seen *Published) (*Published, error) {
	lock := p.locks[issuerSerial]
	lock.Lock()
	defer lock.Unlock()
	p.mu.Lock()
	cur := p.current[issuerSerial]
	p.mu.Unlock()
	if seen != nil && cur != seen && cur != nil && p.cfg.Now().Before(cur.RefreshAt) {
		return cur, nil
	}
	entries, err := p.src.Revoked(ctx, issuerSerial)
	if err != nil {
		return nil, fmt.Errorf("%w: issuer %s: %v", ErrSource, issuerSerial, err)
	}
	now := p.cfg.Now()
	this := now.UTC().Truncate(time.Second)
	next := this.Add(p.cfg.Validity)
	p.mu.Lock()
	num := big.NewInt(now.UnixMicro())
	if num.Cmp(p.last) <= 0 {
		num.Add(p.last, big.NewInt(1))
	}
	p.last = new(big.Int).Set(num)
	p.mu.Unlock()
	der, err := Build(p.issuers[issuerSerial], entries, Template{Number: num, ThisUpdate: this, NextUpdate: next, Rand: p.cfg.Rand})
	if err != nil {
		return nil, err
	}
	pub := &Published{DER: der, Number: num, ThisUpdate: this, NextUpdate: next, RefreshAt: next.Add(-p.cfg.RefreshBefore)}
	p.mu.Lock()
	p.current[issuerSerial] = pub
	p.mu.Unlock()
	return pub, nil
}
