package ocsp

import (
	"net/http"
	"sync/atomic"
)

// Current holds the responder in use, so that a renewed OCSP signer
// (certs.EnsureServices run daily) takes over without restarting the
// server: build a new Responder and Set it. The zero value holds none and
// answers tryLater.
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

// Handler serves the responder in use at each request, as
// Responder.Handler(prefix) does.
func (c *Current) Handler(prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r := c.p.Load()
		if r == nil {
			w.Header().Set("Content-Type", "application/ocsp-response")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write(errorResponse(TryLater))
			return
		}
		r.Handler(prefix).ServeHTTP(w, req)
	})
}
