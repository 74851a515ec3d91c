package tsa

import (
	"net/http"
	"strconv"

	"sihub/certs/internal/derbody"
)

// Handler serves POST application/timestamp-query (RFC 3161 §3.4) with at
// most MaxRequestSize bytes and answers application/timestamp-reply;
// rejections are 200 responses with a rejection status, HTTP-level errors
// are 405, 413 and 415.
func (a *Authority) Handler() http.Handler { return handler(a) }

func handler(svc Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		der, ok := derbody.Read(w, r, "application/timestamp-query", MaxRequestSize)
		if !ok {
			return
		}
		out := svc.Respond(r.Context(), der)
		h := w.Header()
		h.Set("Content-Type", "application/timestamp-reply")
		h.Set("Content-Length", strconv.Itoa(len(out)))
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(out)
	})
}
