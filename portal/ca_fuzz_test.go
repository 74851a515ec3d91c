package portal

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sihub/model"
)

// FuzzCARequestBody: whatever body a ca-admin's seal request carries, the
// API answers JSON with 201, 400, 404 or 413, never a server error; a
// refused request is not stored, and an accepted one has its fields
// trimmed.
func FuzzCARequestBody(f *testing.F) {
	for _, s := range []string{
		`{"name":"业务专用章","alg":"sm2"}`, `{"name":" 公章 ","alg":"P256","replaces":"s-active","note":"x"}`,
		`{}`, ``, `[`, `{"name":1}`, `{"name":"a","alg":"sm2"}{"name":"b"}`, `{"name":"\ud800","alg":"sm2"}`, `null`,
		`{"name":"章","alg":"sm2","replaces":"s-none"}`,
	} {
		f.Add(s)
	}
	fake := newFakeCA()
	seedSeals(fake, t0)
	fake.now = func() time.Time { return t0 }
	s, err := newServer(Config{SessionKey: bytes.Repeat([]byte{9}, 32), Now: fake.now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		Deps{Accounts: fakeAccounts{}, Documents: &fakeDocs{}, Audit: &fakeAudit{}, CAAdmin: fake})
	if err != nil {
		f.Fatal(err)
	}
	h := s.routes()
	sess := s.encodeSession(session{Login: admin1, Role: model.AccountCAAdmin, Issued: t0.Unix(), Expires: t0.Add(time.Hour).Unix()})
	nonce := strings.Repeat("ab", nonceBytes)
	f.Fuzz(func(t *testing.T, body string) {
		before := len(fake.seals)
		req := httptest.NewRequest("POST", "/api/v1/ca/seals", strings.NewReader(body))
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: sess})
		req.AddCookie(&http.Cookie{Name: csrfCookie, Value: nonce})
		req.Header.Set(csrfHeader, s.csrfTokenFor(nonce))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("%d content type %q", w.Code, w.Header().Get("Content-Type"))
		}
		switch w.Code {
		case http.StatusCreated:
			var sl caSealJSON
			if err := json.Unmarshal(w.Body.Bytes(), &sl); err != nil {
				t.Fatal(err)
			}
			if sl.Name == "" || sl.Name != strings.TrimSpace(sl.Name) || !utf8.ValidString(sl.Name) || sl.Alg != strings.ToLower(sl.Alg) {
				t.Fatalf("accepted %q %q", sl.Name, sl.Alg)
			}
		case http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge:
			if len(fake.seals) != before {
				t.Fatal("a refused request was stored")
			}
		default:
			t.Fatalf("%d %s", w.Code, w.Body)
		}
	})
}
