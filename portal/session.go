package portal

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

const sessionCookie = "sihub_session"

// session is the signed content of the session cookie. It is stateless:
// logging out deletes the cookie, and the absolute expiry bounds the life
// of a copied cookie.
type session struct {
	Login    string `json:"l"`
	Role     string `json:"r"`
	Name     string `json:"n,omitempty"`
	PersonID string `json:"p,omitempty"`
	UnitCode string `json:"u,omitempty"`
	Issued   int64  `json:"iat"`
	Expires  int64  `json:"exp"`
}

// subject is whose documents the session may see: the person for a
// citizen, the unit for a unit's agent, "" otherwise.
func (se *session) subject() string {
	if se.PersonID != "" {
		return se.PersonID
	}
	return se.UnitCode
}

var b64url = base64.RawURLEncoding

// encodeSession signs se: base64url(JSON) "." base64url(HMAC-SHA256).
func (s *server) encodeSession(se session) string {
	body, _ := json.Marshal(se)
	payload := b64url.EncodeToString(body)
	return payload + "." + b64url.EncodeToString(mac(s.keys.session, []byte(payload)))
}

// decodeSession checks the signature and the expiry against the clock.
func (s *server) decodeSession(v string) (*session, bool) {
	if len(v) > 4096 {
		return nil, false
	}
	payload, sig, ok := strings.Cut(v, ".")
	if !ok {
		return nil, false
	}
	got, err := b64url.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(s.keys.session, []byte(payload))) {
		return nil, false
	}
	body, err := b64url.DecodeString(payload)
	if err != nil {
		return nil, false
	}
	var se session
	if err := json.Unmarshal(body, &se); err != nil || se.Login == "" {
		return nil, false
	}
	if !s.cfg.Now().Before(time.Unix(se.Expires, 0)) {
		return nil, false
	}
	return &se, true
}

// currentSession returns the request's valid session, if any.
func (s *server) currentSession(r *http.Request) (*session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, false
	}
	return s.decodeSession(c.Value)
}

func (s *server) setSession(w http.ResponseWriter, se session) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    s.encodeSession(se),
		Path:     "/",
		Expires:  time.Unix(se.Expires, 0),
		MaxAge:   int(se.Expires - s.cfg.Now().Unix()),
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

// requireSession returns the session or ErrUnauthorized.
func (s *server) requireSession(r *http.Request) (*session, error) {
	se, ok := s.currentSession(r)
	if !ok {
		return nil, ErrUnauthorized
	}
	return se, nil
}
