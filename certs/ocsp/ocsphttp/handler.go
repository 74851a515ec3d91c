// Package ocsphttp serves an ocsp.Responder over HTTP (RFC 6960 appendix
// A). It is a package of its own so that the verifier, which parses OCSP
// responses but answers none, does not link net/http.
package ocsphttp

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sihub/certs/internal/derbody"
	"sihub/certs/ocsp"
)

// Handler serves r over HTTP (RFC 6960 appendix A):
//   - POST with Content-Type application/ocsp-request and the DER request
//     as the body (at most ocsp.DefaultMaxRequestSize bytes);
//   - GET prefix + url-encoded base64 DER request, e.g.
//     /pki/ocsp/MEQwQjBAMD4wPDAJBgUrDgMCGgUABBR...; the router must not
//     clean the path (gorilla/mux: SkipClean(true)), since base64 may hold
//     "//".
//
// OCSP-level errors are 200 responses with an error status; HTTP-level
// ones (method, media type, size) are 405, 415 and 413. GET answers
// without a nonce carry Cache-Control max-age up to nextUpdate (RFC 5019).
func Handler(r *ocsp.Responder, prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var der []byte
		switch req.Method {
		case http.MethodPost:
			var ok bool
			if der, ok = derbody.Read(w, req, "application/ocsp-request", ocsp.DefaultMaxRequestSize); !ok {
				return
			}
		case http.MethodGet:
			enc, ok := strings.CutPrefix(req.URL.EscapedPath(), prefix)
			if !ok {
				http.NotFound(w, req)
				return
			}
			if len(enc) > base64.StdEncoding.EncodedLen(ocsp.DefaultMaxRequestSize)*3 {
				http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
				return
			}
			var err error
			if enc, err = url.PathUnescape(enc); err == nil {
				der, err = base64.StdEncoding.DecodeString(enc)
			}
			if err != nil {
				der = nil // answered as malformedRequest below
			}
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		out, res := r.Respond(req.Context(), der)
		h := w.Header()
		h.Set("Content-Type", "application/ocsp-response")
		h.Set("Content-Length", strconv.Itoa(len(out)))
		if req.Method == http.MethodGet && res.Status == ocsp.Successful && !res.Nonce {
			maxAge := int64(res.NextUpdate.Sub(r.Now()) / time.Second)
			if maxAge < 0 {
				maxAge = 0
			}
			h.Set("Cache-Control", "public, no-transform, must-revalidate, max-age="+strconv.FormatInt(maxAge, 10))
			h.Set("Last-Modified", res.ProducedAt.UTC().Format(http.TimeFormat))
			h.Set("Expires", res.NextUpdate.UTC().Format(http.TimeFormat))
		} else {
			h.Set("Cache-Control", "no-store")
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(out)
	})
}

// CurrentHandler serves the responder c holds at each request, as
// Handler(c.Get(), prefix) does, and answers tryLater while it holds none.
func CurrentHandler(c *ocsp.Current, prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r := c.Get()
		if r == nil {
			w.Header().Set("Content-Type", "application/ocsp-response")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write(ocsp.ErrorResponse(ocsp.TryLater))
			return
		}
		Handler(r, prefix).ServeHTTP(w, req)
	})
}
