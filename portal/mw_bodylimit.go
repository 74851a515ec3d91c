package portal

import "net/http"

// withBodyLimit caps the request body at limit bytes; reading past it
// fails with *http.MaxBytesError, which respondError maps to 413.
func withBodyLimit(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
