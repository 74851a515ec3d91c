package tsa

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
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
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/timestamp-query" {
			http.Error(w, "want application/timestamp-query", http.StatusUnsupportedMediaType)
			return
		}
		der, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestSize))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err != nil {
			http.Error(w, "cannot read the request", http.StatusBadRequest)
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
