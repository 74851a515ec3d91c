// Package derbody reads the DER request a PKI service is POSTed (an OCSP
// request, a time-stamp query): of one media type and capped in size,
// answering the HTTP-level errors itself.
package derbody

import (
	"errors"
	"io"
	"mime"
	"net/http"
)

// Read returns the body of r when its Content-Type is mediaType and it
// holds at most max bytes. Otherwise it has answered 415 (another media
// type), 413 (too large) or 400 (unreadable) and returns false.
func Read(w http.ResponseWriter, r *http.Request, mediaType string, max int64) ([]byte, bool) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != mediaType {
		http.Error(w, "want "+mediaType, http.StatusUnsupportedMediaType)
		return nil, false
	}
	der, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	if err != nil {
		http.Error(w, "cannot read the request", http.StatusBadRequest)
		return nil, false
	}
	return der, true
}
