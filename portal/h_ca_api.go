package portal

import (
	"crypto/hmac"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"sihub/model"
)

// The CA administrator's JSON API under /api/v1/ca. It uses the
// browser session of a ca-admin (no API key): reads need only the
// session; every POST also needs the CSRF token in the X-CSRF-Token
// header, the token GET /api/v1/ca/session returns (and the pages' forms
// carry). Errors are the portal's JSON error body with the same mapping
// as the pages.

// csrfHeader carries the CSRF token of an API change.
const csrfHeader = "X-CSRF-Token"

// checkCSRFHeader verifies the X-CSRF-Token header against the cookie's
// nonce.
func (s *server) checkCSRFHeader(r *http.Request) error {
	c, err := r.Cookie(csrfCookie)
	if err != nil || !validNonce(c.Value) {
		return ErrCSRF
	}
	if !hmac.Equal([]byte(r.Header.Get(csrfHeader)), []byte(s.csrfTokenFor(c.Value))) {
		return ErrCSRF
	}
	return nil
}

// caSessionJSON answers GET /api/v1/ca/session.
type caSessionJSON struct {
	Login     string `json:"login"`
	Role      string `json:"role"`
	Name      string `json:"name"`
	CSRFToken string `json:"csrf_token"`
}

// caSealJSON is a seal with what the pages compute beside it. Lists leave
// the SESeal's DER out (seseal_sm3 names it).
type caSealJSON struct {
	model.Seal
	StatusText string `json:"status_text"`
	DaysLeft   *int   `json:"days_left,omitempty"`
	SESealSM3  string `json:"seseal_sm3,omitempty"`
}

func sealJSON(sl model.Seal, now time.Time, withDER bool) caSealJSON {
	out := caSealJSON{Seal: sl, StatusText: sealStatus(sl.Status).Text}
	if !sl.ValidUntil.IsZero() {
		d := daysLeft(sl.ValidUntil, now)
		out.DaysLeft = &d
	}
	if info := sesealInfo(sl.SESeal); info != nil {
		out.SESealSM3 = info.DigestSM3
	}
	if !withDER {
		out.SESeal = nil
	}
	return out
}

// caCertJSON is a certificate of the hierarchy without its DER.
type caCertJSON struct {
	Serial           string     `json:"serial"`
	Alg              string     `json:"alg"`
	Role             string     `json:"role"`
	Subject          string     `json:"subject"`
	IssuerSerial     string     `json:"issuer_serial"`
	NotBefore        time.Time  `json:"not_before"`
	NotAfter         time.Time  `json:"not_after"`
	DaysLeft         int        `json:"days_left"`
	Status           string     `json:"status"`
	RevokedAt        *time.Time `json:"revoked_at,omitempty"`
	RevocationReason string     `json:"revocation_reason,omitempty"` // RFC 5280 name
}

func certJSON(c model.Certificate, now time.Time) caCertJSON {
	out := caCertJSON{Serial: c.Serial, Alg: c.Alg, Role: c.Role, Subject: c.Subject, IssuerSerial: c.IssuerSerial,
		NotBefore: c.NotBefore, NotAfter: c.NotAfter, DaysLeft: daysLeft(c.NotAfter, now), Status: c.Status,
		RevokedAt: c.RevokedAt}
	if c.Status == "revoked" {
		out.RevocationReason = reasonCodes[c.RevocationReason]
		if out.RevocationReason == "" {
			out.RevocationReason = "unspecified"
		}
	}
	return out
}

// caAPIChange authenticates a POST: a ca-admin session and the CSRF
// header.
func (s *server) caAPIChange(r *http.Request) (*session, error) {
	se, err := s.requireCAAdmin(r)
	if err != nil {
		return nil, err
	}
	if err := s.checkCSRFHeader(r); err != nil {
		return nil, err
	}
	return se, nil
}

// decodeJSONBody reads an optional JSON object into v; an empty body
// leaves v as it is. The route caps the body's size.
func decodeJSONBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return userErr(ErrBadRequest, "请求体须为 JSON 对象。", err)
	}
	if dec.More() {
		return userErr(ErrBadRequest, "请求体须为一个 JSON 对象。", nil)
	}
	return nil
}

func (s *server) handleAPICASession(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireCAAdmin(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, caSessionJSON{Login: se.Login, Role: se.Role, Name: se.Name, CSRFToken: s.csrfToken(w, r)})
	return nil
}

func (s *server) handleAPICASeals(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.requireCAAdmin(r); err != nil {
		return err
	}
	seals, err := s.deps.CAAdmin.Seals(r.Context())
	if err != nil {
		return caError(caRead, err)
	}
	now := s.cfg.Now()
	out := make([]caSealJSON, 0, len(seals))
	for _, sl := range seals {
		out = append(out, sealJSON(sl, now, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"seals": out})
	return nil
}

func (s *server) handleAPICASeal(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.requireCAAdmin(r); err != nil {
		return err
	}
	id := pathParam(r, "id")
	if err := validSealID(id); err != nil {
		return err
	}
	sl, err := s.deps.CAAdmin.Seal(r.Context(), id)
	if err != nil {
		return caError(caRead, err)
	}
	writeJSON(w, http.StatusOK, sealJSON(sl, s.cfg.Now(), true))
	return nil
}

// handleAPICARequestSeal takes {"name", "alg", "replaces", "note"} and
// answers 201 with the requested seal.
func (s *server) handleAPICARequestSeal(w http.ResponseWriter, r *http.Request) error {
	se, err := s.caAPIChange(r)
	if err != nil {
		return err
	}
	var body struct {
		Name     string `json:"name"`
		Alg      string `json:"alg"`
		Replaces string `json:"replaces"`
		Note     string `json:"note"`
	}
	if err := decodeJSONBody(r, &body); err != nil {
		return err
	}
	req, err := cleanSealRequest(SealRequest{Name: body.Name, Alg: body.Alg, Replaces: body.Replaces, Note: body.Note})
	if err != nil {
		return err
	}
	sl, err := s.deps.CAAdmin.RequestSeal(r.Context(), se.Login, req)
	if err != nil {
		return caError(caRequest, err)
	}
	w.Header().Set("Location", "/api/v1/ca/seals/"+sl.ID)
	writeJSON(w, http.StatusCreated, sealJSON(sl, s.cfg.Now(), true))
	return nil
}

// handleAPICASealAction applies an action; reject, suspend and revoke take
// {"reason": "…"} (revoke: a name of RevocationReasons).
func (s *server) handleAPICASealAction(w http.ResponseWriter, r *http.Request) error {
	se, err := s.caAPIChange(r)
	if err != nil {
		return err
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSONBody(r, &body); err != nil {
		return err
	}
	sl, err := s.caAct(r.Context(), se.Login, pathParam(r, "id"), pathParam(r, "action"), body.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sealJSON(sl, s.cfg.Now(), true))
	return nil
}

func (s *server) handleAPICACertificates(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.requireCAAdmin(r); err != nil {
		return err
	}
	certs, err := s.deps.CAAdmin.Certificates(r.Context())
	if err != nil {
		return caError(caRead, err)
	}
	now := s.cfg.Now()
	out := make([]caCertJSON, 0, len(certs))
	for _, c := range certs {
		out = append(out, certJSON(c, now))
	}
	writeJSON(w, http.StatusOK, map[string]any{"certificates": out})
	return nil
}

func (s *server) handleAPICAMessages(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireCAAdmin(r)
	if err != nil {
		return err
	}
	msgs, unread, err := s.caMessages(r.Context(), se)
	if err != nil {
		return caError(caRead, err)
	}
	if msgs == nil {
		msgs = []model.Message{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": msgs, "unread": unread})
	return nil
}
