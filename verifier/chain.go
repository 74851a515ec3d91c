package verifier

import (
	"crypto/sha256"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

// chainResult is a cached chain-building outcome: the chain (leaf first)
// or the error.
type chainResult struct {
	chain []*smx509.Certificate
	err   error
}

// chainCache is a bounded cache of chain-building results keyed by the
// fingerprints of the signer certificate and of the embedded certificates.
// The trust anchors are fixed per Verifier, so they need not be in the key.
// Eviction is first-in first-out.
type chainCache struct {
	mu    sync.Mutex
	max   int
	items map[[32]byte]chainResult
	order [][32]byte
}

func newChainCache(max int) *chainCache {
	return &chainCache{max: max, items: map[[32]byte]chainResult{}}
}

func (c *chainCache) get(k [32]byte) (chainResult, bool) {
	if c.max <= 0 {
		return chainResult{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.items[k]
	return r, ok
}

func (c *chainCache) put(k [32]byte, r chainResult) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok {
		return
	}
	if len(c.order) >= c.max {
		delete(c.items, c.order[0])
		c.order = c.order[1:]
	}
	c.items[k] = r
	c.order = append(c.order, k)
}

// chainKey fingerprints the leaf and the set of other certificates.
func chainKey(leaf *smx509.Certificate, others []*smx509.Certificate) [32]byte {
	sums := make([][32]byte, 0, len(others))
	for _, c := range others {
		if c != leaf {
			sums = append(sums, sha256.Sum256(c.Raw))
		}
	}
	sort.Slice(sums, func(i, j int) bool { return string(sums[i][:]) < string(sums[j][:]) })
	h := sha256.New()
	l := sha256.Sum256(leaf.Raw)
	h.Write(l[:])
	for _, s := range sums {
		h.Write(s[:])
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// errNoRoots is the chain error when the Verifier trusts nothing.
var errNoRoots = errors.New("verifier: no trust anchors configured")

// buildChain finds a chain from leaf to a trust anchor using others as
// intermediates. Validity periods are not judged here (the caller checks
// them at the signing time and now): the chain is built at a moment when
// the leaf is valid, so results can be cached across documents.
func (v *Verifier) buildChain(leaf *smx509.Certificate, others []*smx509.Certificate, signingTime time.Time) ([]*smx509.Certificate, error) {
	if v.nroots == 0 {
		return nil, errNoRoots
	}
	key := chainKey(leaf, others)
	if r, ok := v.chains.get(key); ok {
		return r.chain, r.err
	}
	inter := smx509.NewCertPool()
	for _, c := range others {
		if c != leaf {
			inter.AddCert(c)
		}
	}
	opts := smx509.VerifyOptions{
		Roots:         v.roots,
		Intermediates: inter,
		CurrentTime:   leaf.NotBefore,
		KeyUsages:     []smx509.ExtKeyUsage{smx509.ExtKeyUsageAny},
	}
	chains, err := leaf.Verify(opts)
	var inv smx509.CertificateInvalidError
	if err != nil && errors.As(err, &inv) && inv.Reason == smx509.Expired {
		// an issuer not valid when the leaf began: try at the signing
		// time, and do not cache what depends on it
		opts.CurrentTime = signingTime
		chains, err = leaf.Verify(opts)
		if err != nil {
			return nil, err
		}
		return chains[0], nil
	}
	r := chainResult{err: err}
	if err == nil {
		r.chain = chains[0]
	}
	v.chains.put(key, r)
	return r.chain, r.err
}
