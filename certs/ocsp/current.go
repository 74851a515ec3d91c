package ocsp

import "sync/atomic"

// Current holds the responder in use, so that a renewed OCSP signer
// (certs.EnsureServices run daily) takes over without restarting the
// server: build a new Responder and Set it (ocsphttp.CurrentHandler serves
// the one in use, and answers tryLater while there is none). The zero
// value holds none.
type Current struct {
	p atomic.Pointer[Responder]
}

// Set makes r the responder in use.
func (c *Current) Set(r *Responder) { c.p.Store(r) }

// Get returns the responder in use, nil before the first Set.
func (c *Current) Get() *Responder { return c.p.Load() }

// Purge drops the cache of the responder in use (after a revocation).
func (c *Current) Purge() {
	if r := c.p.Load(); r != nil {
		r.Purge()
	}
}
