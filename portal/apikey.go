package portal

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"

	"sihub/model"
)

// API key scopes.
const (
	ScopeVerify     = "verify"      // single code lookups
	ScopeVerifyBulk = "verify:bulk" // POST /api/v1/verify/batch
	ScopeVerifyPDF  = "verify:pdf"  // PDF verification through the API, alone or in a batch
)

// maxCredentialLen bounds the credential read from a header.
const maxCredentialLen = 512

var keyIDRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`) })

// apiClient is an institution authenticated by its API key.
type apiClient struct {
	KeyID       string
	Institution string
	Scopes      []string
}

// actor is the audit actor of the key's requests.
func (c *apiClient) actor() string { return "api:" + c.KeyID }

func (c *apiClient) require(scope string) error {
	if !slices.Contains(c.Scopes, scope) {
		return userErr(ErrScope, "该 API 密钥没有“"+scope+"”权限。", nil)
	}
	return nil
}

// credential returns the API key the request presents, from
// "Authorization: Bearer <id>.<secret>" or "X-API-Key: <id>.<secret>"; ""
// when there is none.
func credential(r *http.Request) string {
	if v := r.Header.Get("Authorization"); v != "" {
		scheme, rest, _ := strings.Cut(v, " ")
		if strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(rest)
		}
		return v // another scheme: presented but not usable
	}
	return strings.TrimSpace(r.Header.Get("X-API-Key"))
}

// dummyKeyHash is compared against when the key id is unknown, so that an
// unknown id and a wrong secret cost the same work after the store lookup.
var dummyKeyHash = sha256.Sum256([]byte("sihub portal no such key"))

// authenticateKey returns the institution behind the request's API key, nil
// when the request carries none, or ErrAPIKey. The secret is hashed with
// SHA-256 and compared with the stored hash in constant time.
func (s *server) authenticateKey(r *http.Request) (*apiClient, error) {
	cred := credential(r)
	if cred == "" {
		return nil, nil
	}
	if len(cred) > maxCredentialLen {
		return nil, ErrAPIKey
	}
	id, secret, ok := strings.Cut(cred, ".")
	if !ok || secret == "" || !keyIDRE().MatchString(id) || s.deps.APIKeys == nil {
		return nil, ErrAPIKey
	}
	k, err := s.deps.APIKeys.APIKey(r.Context(), id)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	got := sha256.Sum256([]byte(secret))
	want, herr := hex.DecodeString(k.SecretHash)
	if err != nil || herr != nil || len(want) != sha256.Size {
		want = dummyKeyHash[:]
		subtle.ConstantTimeCompare(got[:], want)
		return nil, ErrAPIKey
	}
	if subtle.ConstantTimeCompare(got[:], want) != 1 {
		return nil, ErrAPIKey
	}
	name := k.Institution
	if n := s.institutionName(k.ID); n != k.ID {
		name = n
	}
	return &apiClient{KeyID: k.ID, Institution: name, Scopes: k.Scopes}, nil
}

// institutionName is the configured name of a key's institution, or the
// key id when it is not configured.
func (s *server) institutionName(keyID string) string {
	for _, in := range s.cfg.Institutions {
		if in.KeyID == keyID && in.Name != "" {
			return in.Name
		}
	}
	return keyID
}

// apiCaller authenticates an optional API key for a public endpoint: with
// a key it checks scope and charges the key's quota; without one it
// applies the anonymous limit.
func (s *server) apiCaller(r *http.Request, scope string, anonymous func() error) (*apiClient, error) {
	cl, err := s.authenticateKey(r)
	if err != nil {
		return nil, err
	}
	if cl == nil {
		return nil, anonymous()
	}
	if err := cl.require(scope); err != nil {
		return nil, err
	}
	return cl, s.chargeKey(cl.KeyID, 1)
}
