package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"sihub/model"
	"sihub/store/sqlite"
)

// API keys of the tests.
const (
	bankKeyID     = "bank-1"
	bankSecret    = "s3cret-bank-one"
	bankName      = "示范银行股份有限公司"
	employerKeyID = "employer-1"
	employerSec   = "employer-secret"
	employerName  = "示范科技有限公司"
	narrowKeyID   = "narrow-1"
	narrowSecret  = "narrow-secret"
)

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// withStore backs Documents, Audit and APIKeys with a real SQLite store in
// a temporary directory holding the fake environment's documents and three
// API keys: the bank (every scope), the employer (verify only … plus bulk)
// and a narrow key (verify only).
func withStore(t *testing.T) func(*Config, *Deps) {
	return func(c *Config, d *Deps) {
		ctx := context.Background()
		st, err := sqlite.Open(ctx, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fd := d.Documents.(*fakeDocs)
		for code, doc := range fd.docs {
			if err := st.PutDocument(ctx, doc, fd.pdfs[code]); err != nil {
				t.Fatal(err)
			}
		}
		keys := []model.APIKey{
			{ID: bankKeyID, Institution: "bank record name", SecretHash: hashSecret(bankSecret),
				Scopes: []string{ScopeVerify, ScopeVerifyBulk, ScopeVerifyPDF}},
			{ID: employerKeyID, Institution: employerName, SecretHash: hashSecret(employerSec),
				Scopes: []string{ScopeVerify, ScopeVerifyBulk}},
			{ID: narrowKeyID, Institution: "narrow", SecretHash: hashSecret(narrowSecret), Scopes: []string{ScopeVerify}},
		}
		for _, k := range keys {
			if err := st.PutAPIKey(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		d.Documents, d.Audit, d.APIKeys = st, st, st
		c.Institutions = []Institution{{KeyID: bankKeyID, Name: bankName}, {KeyID: employerKeyID, Name: employerName}}
	}
}

// storeOf returns the SQLite store behind an environment built withStore.
func storeOf(e *env) *sqlite.Store { return e.deps.Audit.(*sqlite.Store) }

// auditOf lists the store's entries with action and object ("" for all).
func auditOf(t *testing.T, e *env, action, object string) []model.AuditEntry {
	t.Helper()
	es, err := storeOf(e).AuditEntries(context.Background(), time.Time{}, action, object, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// api sends a request with an API key ("" for none) in the Authorization
// header.
func (e *env) api(method, path, key, contentType string, body io.Reader) resp {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, body)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return e.browser().do(req)
}

func bankKey() string     { return bankKeyID + "." + bankSecret }
func employerKey() string { return employerKeyID + "." + employerSec }
func narrowKey() string   { return narrowKeyID + "." + narrowSecret }

// decodeJSON decodes a response body into a map.
func decodeJSON(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	return m
}

// ndjsonLines splits an NDJSON body into decoded objects.
func ndjsonLines(t *testing.T, body string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		out = append(out, decodeJSON(t, l))
	}
	return out
}

func errorCode(t *testing.T, body string) string {
	t.Helper()
	m := decodeJSON(t, body)
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}
