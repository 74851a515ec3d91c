package portal

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// CSRF protection: each browser holds a random nonce in the sihub_csrf
// cookie (HttpOnly, SameSite=Lax); every form carries the token
// HMAC(csrf key, nonce). Another site can neither read the cookie nor
// compute the token, so a forged POST fails. The nonce is renewed at login.
const (
	csrfCookie = "sihub_csrf"
	csrfField  = "csrf"
	nonceBytes = 16
)

func newNonce() string {
	b := make([]byte, nonceBytes)
	if _, err := rand.Read(b); err != nil {
		panic("portal: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

func (s *server) csrfTokenFor(nonce string) string {
	return hex.EncodeToString(mac(s.keys.csrf, []byte(nonce)))
}

func validNonce(v string) bool {
	if len(v) != 2*nonceBytes {
		return false
	}
	_, err := hex.DecodeString(v)
	return err == nil
}

// csrfToken returns the token for this browser's forms, setting a fresh
// nonce cookie when the browser has none. Call before writing the header.
func (s *server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && validNonce(c.Value) {
		return s.csrfTokenFor(c.Value)
	}
	return s.csrfTokenFor(s.setCSRFCookie(w))
}

// setCSRFCookie gives the browser a new nonce and returns it.
func (s *server) setCSRFCookie(w http.ResponseWriter) string {
	n := newNonce()
	http.SetCookie(w, &http.Cookie{
		Name: csrfCookie, Value: n, Path: "/",
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
	return n
}

// checkCSRF verifies the form's token against the cookie's nonce. The form
// must already be parsed.
func (s *server) checkCSRF(r *http.Request) error {
	c, err := r.Cookie(csrfCookie)
	if err != nil || !validNonce(c.Value) {
		return ErrCSRF
	}
	got := r.PostFormValue(csrfField)
	if got == "" && r.MultipartForm != nil {
		if v := r.MultipartForm.Value[csrfField]; len(v) > 0 {
			got = v[0]
		}
	}
	if !hmac.Equal([]byte(got), []byte(s.csrfTokenFor(c.Value))) {
		return ErrCSRF
	}
	return nil
}
