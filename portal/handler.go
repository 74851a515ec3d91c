package portal

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"sihub/model"
)

// handlerFunc is a handler that returns its failure instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// page adapts a page handler: its error becomes an error page.
func (s *server) page(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.respondError(w, r, err, false)
		}
	})
}

// api adapts a JSON API handler: its error becomes a JSON error body.
func (s *server) api(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.respondError(w, r, err, true)
		}
	})
}

// writeJSON writes v as the JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// errNoRoute: no route matches the path; shown as not found.
var errNoRoute = fmt.Errorf("portal: no such page: %w", model.ErrNotFound)

// fallback answers requests no route takes, as a page or as JSON by path.
func (s *server) fallback(err error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if errors.Is(err, ErrMethod) {
			w.Header().Set("Allow", "GET, HEAD, POST")
		}
		s.respondError(w, r, err, isAPIPath(r.URL.Path))
	})
}
