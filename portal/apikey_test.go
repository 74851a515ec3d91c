package portal

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sihub/model"
)

func TestAPIKeyAuthenticates(t *testing.T) {
	e := newEnv(t, withStore(t))
	r := e.api("GET", "/api/v1/verify/"+validCode, bankKey(), "", nil)
	if r.StatusCode != 200 {
		t.Fatalf("bearer: %d %s", r.StatusCode, r.Body)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/verify/"+validCode, nil)
	req.Header.Set("X-API-Key", employerKey())
	if r := e.browser().do(req); r.StatusCode != 200 {
		t.Fatalf("X-API-Key: %d %s", r.StatusCode, r.Body)
	}
	es := auditOf(t, e, actionVerifyAPI, validCode)
	if len(es) != 2 || es[0].Actor != "api:"+bankKeyID || es[1].Actor != "api:"+employerKeyID || es[0].Outcome != "ok" {
		t.Fatalf("audit: %+v", es)
	}
	if !strings.HasPrefix(es[0].Detail, bankName+": ") {
		t.Errorf("detail does not name the configured institution: %q", es[0].Detail)
	}
	if n := len(auditOf(t, e, actionVerify, validCode)); n != 0 {
		t.Errorf("keyed lookups also audited as anonymous: %d", n)
	}
}

func TestAPIKeyRefusedUniformly(t *testing.T) {
	e := newEnv(t, withStore(t))
	var bodies []string
	for _, key := range []string{
		bankKeyID + ".wrong-secret",
		"nobody.whatever",
		"no-dot-at-all",
		"bad id!.x",
		bankKeyID + ".",
		strings.Repeat("a", 600) + ".x",
	} {
		r := e.api("GET", "/api/v1/verify/"+validCode, key, "", nil)
		if r.StatusCode != http.StatusUnauthorized || errorCode(t, r.Body) != "invalid_api_key" {
			t.Fatalf("%q: %d %s", key, r.StatusCode, r.Body)
		}
		if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%q: no WWW-Authenticate", key)
		}
		bodies = append(bodies, stripRequestID(r.Body))
	}
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Errorf("refusals differ:\n%s\n%s", bodies[0], b)
		}
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/verify/"+validCode, nil)
	req.Header.Set("Authorization", "Basic "+bankKey())
	if r := e.browser().do(req); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("other scheme: %d", r.StatusCode)
	}
	if n := len(auditOf(t, e, "", validCode)); n != 0 {
		t.Errorf("refused requests looked the document up: %d audit entries", n)
	}
}

func TestAPIKeyWithoutKeyStore(t *testing.T) {
	e := newEnv(t) // no APIKeys
	if r := e.api("GET", "/api/v1/verify/"+validCode, bankKey(), "", nil); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("key without a key store: %d", r.StatusCode)
	}
	if r := e.api("GET", "/api/v1/verify/"+validCode, "", "", nil); r.StatusCode != 200 {
		t.Fatalf("anonymous: %d", r.StatusCode)
	}
}

func TestAPIKeyScopes(t *testing.T) {
	fv := &batchVerifier{}
	e := newEnv(t, withStore(t), func(_ *Config, d *Deps) { d.Verifier = fv })
	body, ct := multipartBody(t, nil, []byte("%PDF-good"))
	if r := e.api("POST", "/api/v1/verify", narrowKey(), ct, body); r.StatusCode != http.StatusForbidden ||
		errorCode(t, r.Body) != "insufficient_scope" {
		t.Fatalf("pdf without verify:pdf: %d %s", r.StatusCode, r.Body)
	}
	body, ct = multipartBody(t, nil, []byte("%PDF-good"))
	if r := e.api("POST", "/api/v1/verify", bankKey(), ct, body); r.StatusCode != 200 {
		t.Fatalf("pdf with verify:pdf: %d %s", r.StatusCode, r.Body)
	}
	if es := auditOf(t, e, actionVerifyAPI, ""); len(es) != 1 || es[0].Actor != "api:"+bankKeyID {
		t.Fatalf("pdf audit: %+v", es)
	}
	if r := e.api("POST", "/api/v1/verify/batch", narrowKey(), "application/json",
		strings.NewReader(`{"codes":["`+validCode+`"]}`)); r.StatusCode != http.StatusForbidden {
		t.Fatalf("batch without verify:bulk: %d", r.StatusCode)
	}
	body, ct = multipartFiles(t, [][]byte{[]byte("%PDF-good")})
	if r := e.api("POST", "/api/v1/verify/batch", employerKey(), ct, body); r.StatusCode != http.StatusForbidden {
		t.Fatalf("pdf batch without verify:pdf: %d %s", r.StatusCode, r.Body)
	}
}

func TestAPIKeyQuota(t *testing.T) {
	e := newEnv(t, withStore(t), func(c *Config, _ *Deps) {
		c.Institutions[0].PerMinute = 3
		c.Institutions[1].PerDay = 2
		c.Limits.LookupsPerMinute = 1 // anonymous limit does not apply to keys
	})
	for i := range 3 {
		if r := e.api("GET", "/api/v1/verify/"+validCode, bankKey(), "", nil); r.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, r.StatusCode)
		}
	}
	r := e.api("GET", "/api/v1/verify/"+validCode, bankKey(), "", nil)
	if r.StatusCode != http.StatusTooManyRequests || errorCode(t, r.Body) != "quota_exceeded" || r.Header.Get("Retry-After") != "20" {
		t.Fatalf("over quota: %d %q %s", r.StatusCode, r.Header.Get("Retry-After"), r.Body)
	}
	e.clock.Advance(20 * time.Second)
	if r := e.api("GET", "/api/v1/verify/"+validCode, bankKey(), "", nil); r.StatusCode != 200 {
		t.Fatalf("after refill: %d", r.StatusCode)
	}
	// The daily quota: two lookups, then refused until the day refills.
	for range 2 {
		if r := e.api("GET", "/api/v1/verify/"+validCode, employerKey(), "", nil); r.StatusCode != 200 {
			t.Fatalf("employer: %d", r.StatusCode)
		}
	}
	r = e.api("GET", "/api/v1/verify/"+validCode, employerKey(), "", nil)
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "43200" {
		t.Fatalf("day quota: %d %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	// A batch larger than the remaining quota is refused whole.
	r = e.api("POST", "/api/v1/verify/batch", bankKey(), "application/json",
		strings.NewReader(`{"codes":["`+validCode+`","`+otherCode+`","`+oldCode+`"]}`))
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("batch over quota: %d %s", r.StatusCode, r.Body)
	}
}

type oneKey struct{ k model.APIKey }

func (o oneKey) APIKey(_ context.Context, id string) (model.APIKey, error) {
	if id != o.k.ID {
		return model.APIKey{}, model.ErrNotFound
	}
	return o.k, nil
}

// FuzzAPICredential: only the exact key id and secret authenticate,
// whatever the header holds.
func FuzzAPICredential(f *testing.F) {
	s, err := newServer(Config{SessionKey: []byte(strings.Repeat("k", 32))}, Deps{
		Accounts: fakeAccounts{}, Documents: &fakeDocs{}, Audit: &fakeAudit{},
		APIKeys: oneKey{model.APIKey{ID: bankKeyID, SecretHash: hashSecret(bankSecret), Scopes: []string{ScopeVerify}}},
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"Bearer " + bankKey(), "bearer  " + bankKey() + " ", "Bearer " + bankKeyID + ".", "Basic x", "Bearer .", ""} {
		f.Add(seed, "")
	}
	f.Add("", bankKey())
	f.Fuzz(func(t *testing.T, auth, xkey string) {
		req := httptest.NewRequest("GET", "/api/v1/verify/X", nil)
		req.Header.Set("Authorization", auth)
		req.Header.Set("X-API-Key", xkey)
		cl, err := s.authenticateKey(req)
		if err == nil && cl != nil && credential(req) != bankKey() {
			t.Fatalf("authenticated %q / %q", auth, xkey)
		}
		if err != nil && !errors.Is(err, ErrAPIKey) {
			t.Fatalf("unexpected error kind: %v", err)
		}
	})
}
