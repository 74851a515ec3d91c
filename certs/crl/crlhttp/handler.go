// Package crlhttp serves the CRLs of a crl.Publisher over HTTP. It is a
// package of its own so that the verifier, which reads CRLs but serves
// none, does not link net/http.
package crlhttp

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"sihub/certs/crl"
)

// Handler serves GET and HEAD /pki/crl/{issuer-serial}.crl from p. It
// reads only the last path segment, so it can be mounted under any prefix
// that ends there.
func Handler(p *crl.Publisher) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		serial, ok := serialFromPath(r.URL.Path)
		if !ok {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		pub, err := p.CRL(r.Context(), serial)
		switch {
		case errors.Is(err, crl.ErrUnknownIssuer):
			http.Error(w, "not found", http.StatusNotFound)
			return
		case err != nil:
			slog.ErrorContext(r.Context(), "crl: build", "issuer", serial, "err", err)
			http.Error(w, "CRL unavailable", http.StatusServiceUnavailable)
			return
		}
		maxAge := int64(pub.RefreshAt.Sub(p.Now()) / time.Second)
		if maxAge < 0 {
			maxAge = 0
		}
		h := w.Header()
		h.Set("Content-Type", "application/pkix-crl")
		h.Set("Cache-Control", "public, max-age="+strconv.FormatInt(maxAge, 10))
		h.Set("Expires", pub.NextUpdate.UTC().Format(http.TimeFormat))
		h.Set("ETag", `"`+pub.Number.Text(16)+`"`)
		http.ServeContent(w, r, "", pub.ThisUpdate, bytes.NewReader(pub.DER))
	})
}

// serialFromPath reads "{serial}.crl" from the last path segment: 1 to 40
// lower-case hex digits without leading zero.
func serialFromPath(p string) (string, bool) {
	base := path.Base(p)
	s, ok := strings.CutSuffix(base, ".crl")
	if !ok || len(s) == 0 || len(s) > 40 || s[0] == '0' {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", false
		}
	}
	return s, true
}
