package portal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// Consent tokens let a citizen show one institution the unmasked name and
// ID number on one document for a limited time.
//
// Design: tokens are stateless. A token is
//
//	"sc1." base64url(JSON{code, key id, issued, expires, 128-bit nonce}) "." base64url(HMAC-SHA256)
//
// signed with a key derived from Config.SessionKey for this purpose only.
// Nothing is stored, so a portal node needs no shared state to check one;
// the price is that a token cannot be revoked before it expires (the
// longest grant is 30 days) except by changing the session key, which
// voids every token and every login. The token is shown to the citizen
// once; the audit trail keeps only its fingerprint (the first 16 hex
// digits of its SHA-256), which links the grant to each use.
const (
	consentPrefix    = "sc1."
	maxConsentLen    = 512
	minConsentPeriod = time.Hour
	maxConsentPeriod = 30 * 24 * time.Hour
)

// Audit actions of consent.
const (
	actionConsentGrant = "document.consent.grant"
	actionConsentUse   = "document.consent.use"
	actionVerifyAPI    = "document.verify.api"
)

type consentGrant struct {
	Code    string `json:"c"`
	KeyID   string `json:"k"`
	Issued  int64  `json:"i"`
	Expires int64  `json:"e"`
	Nonce   string `json:"n"`
}

// consentStatus tells an institution whether its consent token was
// honoured, and if not why: invalid, expired, other_document,
// other_institution, api_key_required.
type consentStatus struct {
	Accepted  bool       `json:"accepted"`
	Reason    string     `json:"reason,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

func (s *server) newConsentToken(g consentGrant) string {
	g.Nonce = newNonce()
	body, _ := json.Marshal(g)
	payload := b64url.EncodeToString(body)
	return consentPrefix + payload + "." + b64url.EncodeToString(mac(s.keys.consent, []byte(payload)))
}

// parseConsentToken checks a token's form and signature (not its expiry).
func (s *server) parseConsentToken(tok string) (consentGrant, bool) {
	if len(tok) > maxConsentLen || !strings.HasPrefix(tok, consentPrefix) {
		return consentGrant{}, false
	}
	payload, sig, ok := strings.Cut(strings.TrimPrefix(tok, consentPrefix), ".")
	if !ok {
		return consentGrant{}, false
	}
	got, err := b64url.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(s.keys.consent, []byte(payload))) {
		return consentGrant{}, false
	}
	body, err := b64url.DecodeString(payload)
	if err != nil {
		return consentGrant{}, false
	}
	var g consentGrant
	if err := json.Unmarshal(body, &g); err != nil || g.Code == "" || g.KeyID == "" {
		return consentGrant{}, false
	}
	return g, true
}

// consentFingerprint names a token in the audit trail without revealing it.
func consentFingerprint(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:8])
}

// checkConsent decides whether tok lets client see code unmasked.
func (s *server) checkConsent(tok, code string, cl *apiClient) consentStatus {
	if cl == nil {
		return consentStatus{Reason: "api_key_required"}
	}
	g, ok := s.parseConsentToken(tok)
	if !ok {
		return consentStatus{Reason: "invalid"}
	}
	exp := time.Unix(g.Expires, 0).UTC()
	switch {
	case g.Code != code:
		return consentStatus{Reason: "other_document"}
	case g.KeyID != cl.KeyID:
		return consentStatus{Reason: "other_institution"}
	case !s.cfg.Now().Before(exp):
		return consentStatus{Reason: "expired", ExpiresAt: &exp}
	}
	return consentStatus{Accepted: true, ExpiresAt: &exp}
}
