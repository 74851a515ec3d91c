package portal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

type ctxKey int

const requestInfoKey ctxKey = iota

// requestInfo travels in the request context: the request id and, once the
// router has matched, the route's name for logs and metrics.
type requestInfo struct {
	ID    string
	Route string
}

func requestID(ctx context.Context) string {
	if ri, ok := ctx.Value(requestInfoKey).(*requestInfo); ok {
		return ri.ID
	}
	return ""
}

func info(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(requestInfoKey).(*requestInfo)
	return ri
}

// withRequestID gives every request an id: the caller's X-Request-Id when
// it is short and plain, a random one otherwise. It is echoed in the
// response header, logged, and shown on error pages.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !plainID(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		ri := &requestInfo{ID: id, Route: "unmatched"}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestInfoKey, ri)))
	})
}

func plainID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
