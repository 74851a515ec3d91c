package portal

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
)

// withRecover turns a panic in a handler into the error page (or JSON
// error) with status 500. The stack goes to the log, never to the client.
// http.ErrAbortHandler is passed on, as net/http expects.
func (s *server) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic in handler",
				"request_id", requestID(r.Context()), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rec.status != 0 {
				return // the response has begun; nothing sensible can be added
			}
			s.respondError(rec, r, errPanic, isAPIPath(r.URL.Path))
		}()
		next.ServeHTTP(rec, r)
	})
}

func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/")
}
