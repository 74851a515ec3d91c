package portal

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sihub/model"
	"sihub/portal/auth"
	"sihub/signer"
)

// Small in-memory implementations of the portal's services.

type fakeAccounts map[string]model.Account

func (f fakeAccounts) Account(_ context.Context, login string) (model.Account, error) {
	a, ok := f[login]
	if !ok {
		return model.Account{}, fmt.Errorf("fake: account %q: %w", login, model.ErrNotFound)
	}
	return a, nil
}

type fakeDocs struct {
	mu    sync.Mutex
	docs  map[string]model.Document
	pdfs  map[string][]byte
	panic string // DocumentByCode panics for this code
}

func (f *fakeDocs) put(d model.Document, pdf []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs[d.Code] = d
	f.pdfs[d.Code] = pdf
}

func (f *fakeDocs) DocumentsBySubject(_ context.Context, subject string) ([]model.Document, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []model.Document
	for _, d := range f.docs {
		if d.Subject == subject {
			out = append(out, d)
		}
	}
	return out, nil
}

func (f *fakeDocs) DocumentByCode(_ context.Context, code string) (model.Document, error) {
	if f.panic != "" && code == f.panic {
		panic("fake: boom with secret detail")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.docs[code]
	if !ok {
		return model.Document{}, fmt.Errorf("fake: document %q: %w", code, model.ErrNotFound)
	}
	return d, nil
}

func (f *fakeDocs) DocumentPDF(_ context.Context, code string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.pdfs[code]
	if !ok {
		return nil, model.ErrNotFound
	}
	return b, nil
}

type fakePersons map[string]model.Person

func (f fakePersons) Person(_ context.Context, id string) (model.Person, error) {
	p, ok := f[id]
	if !ok {
		return model.Person{}, model.ErrNotFound
	}
	return p, nil
}

type fakeAudit struct {
	mu      sync.Mutex
	entries []model.AuditEntry
}

func (f *fakeAudit) AppendAudit(_ context.Context, e model.AuditEntry) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries = append(f.entries, e)
	return nil
}

// find returns the entries with action (and outcome, when not "").
func (f *fakeAudit) find(action, outcome string) []model.AuditEntry {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []model.AuditEntry
	for _, e := range f.entries {
		if e.Action == action && (outcome == "" || e.Outcome == outcome) {
			out = append(out, e)
		}
	}
	return out
}

// fakeIssuer issues a fake "PDF" into fakeDocs, honouring idempotency keys.
type fakeIssuer struct {
	mu    sync.Mutex
	docs  *fakeDocs
	names map[string]string
	now   func() time.Time
	keys  map[string]string // idempotency key → code
	reqs  []signer.IssueRequest
	n     int
}

func (f *fakeIssuer) Issue(_ context.Context, req signer.IssueRequest) (*signer.Issued, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, req)
	if code, ok := f.keys[req.IdempotencyKey]; ok {
		d := f.docs.docs[code]
		return &signer.Issued{Document: d, PDF: f.docs.pdfs[code], Existing: true}, nil
	}
	f.n++
	code := fmt.Sprintf("NEWDOC%012d", f.n)
	d := model.Document{
		Code: code, Number: fmt.Sprintf("CB2026%06d", f.n), Kind: req.Kind, Subject: req.Subject,
		SubjectName: f.names[req.Subject], IssuedAt: f.now(), ValidUntil: f.now().Add(90 * 24 * time.Hour),
		Status: model.DocValid, IdempotencyKey: req.IdempotencyKey,
	}
	pdf := []byte("%PDF-1.7 fake " + code)
	f.docs.put(d, pdf)
	f.keys[req.IdempotencyKey] = code
	return &signer.Issued{Document: d, PDF: pdf}, nil
}

type fakeQR struct {
	claims map[string]QRClaims
}

func (f fakeQR) CheckToken(_ context.Context, token string) (QRClaims, error) {
	c, ok := f.claims[token]
	if !ok {
		return QRClaims{}, fmt.Errorf("fake: bad token")
	}
	return c, nil
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Demo data of the tests.
const (
	zhangID    = "110105199003071239"
	zhangName  = "张三"
	zhangPW    = "correct-horse-42"
	liID       = "310115198506120042"
	liName     = "李四丰"
	liPW       = "battery-staple-7"
	validCode  = "7KQ4M2XW9PTAHC3R8F"
	otherCode  = "ABCDEFGHJKMNPQRSTU"
	oldCode    = "22222233333344444Z"
	pulledCode = "5555556666667777XY"
)

var cheapHash = auth.Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func hashFor(t testing.TB, pw string) string {
	t.Helper()
	h, err := auth.HashPasswordWith(cheapHash, pw, strings.NewReader(strings.Repeat("s", 16)))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

type env struct {
	t      *testing.T
	srv    *httptest.Server
	clock  *clock
	docs   *fakeDocs
	audit  *fakeAudit
	issuer *fakeIssuer
	logs   *syncBuffer
	deps   Deps
	cfg    Config
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var t0 = time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, mutate ...func(*Config, *Deps)) *env {
	t.Helper()
	e := &env{t: t, clock: &clock{t: t0}, audit: &fakeAudit{}, logs: &syncBuffer{}}
	e.docs = &fakeDocs{docs: map[string]model.Document{}, pdfs: map[string][]byte{}}
	day := 24 * time.Hour
	e.docs.put(model.Document{Code: validCode, Number: "CB2026000001", Kind: signer.KindInsuranceCertificate,
		Subject: zhangID, SubjectName: zhangName, IssuedAt: t0.Add(-day), ValidUntil: t0.Add(89 * day), Status: model.DocValid},
		[]byte("%PDF-1.7 zhang"))
	e.docs.put(model.Document{Code: oldCode, Number: "CB2025000009", Kind: signer.KindInsuranceCertificate,
		Subject: zhangID, SubjectName: zhangName, IssuedAt: t0.Add(-60 * day), ValidUntil: t0.Add(30 * day),
		Status: model.DocSuperseded, SupersededBy: validCode}, []byte("%PDF-1.7 old"))
	e.docs.put(model.Document{Code: otherCode, Number: "CB2026000002", Kind: signer.KindInsuranceCertificate,
		Subject: liID, SubjectName: liName, IssuedAt: t0.Add(-day), ValidUntil: t0.Add(89 * day), Status: model.DocValid},
		[]byte("%PDF-1.7 li"))
	e.docs.put(model.Document{Code: pulledCode, Number: "CB2026000003", Kind: signer.KindInsuranceCertificate,
		Subject: liID, SubjectName: liName, IssuedAt: t0.Add(-day), ValidUntil: t0.Add(89 * day), Status: model.DocWithdrawn},
		[]byte("%PDF-1.7 pulled"))
	e.issuer = &fakeIssuer{docs: e.docs, now: e.clock.Now, keys: map[string]string{},
		names: map[string]string{zhangID: zhangName, liID: liName}}
	e.deps = Deps{
		Accounts: fakeAccounts{
			zhangID: {Login: zhangID, Role: model.AccountCitizen, DisplayName: zhangName, PersonID: zhangID, PasswordHash: hashFor(t, zhangPW)},
			liID:    {Login: liID, Role: model.AccountCitizen, PersonID: liID, PasswordHash: hashFor(t, liPW)},
			"clerk": {Login: "clerk", Role: model.AccountClerk, DisplayName: "经办员", PasswordHash: hashFor(t, "clerk-pw-1")},
		},
		Documents: e.docs,
		Persons:   fakePersons{liID: {ID: liID, Name: liName}},
		Issuer:    e.issuer,
		Audit:     e.audit,
	}
	e.cfg = Config{
		SessionKey:     bytes.Repeat([]byte{7}, 32),
		MaxUploadBytes: 64 << 10,
		Now:            e.clock.Now,
		Logger:         slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Version:        "test",
	}
	for _, m := range mutate {
		m(&e.cfg, &e.deps)
	}
	h, err := New(e.cfg, e.deps)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	e *env
	c *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type resp struct {
	*http.Response
	Body string
}

func (b *browser) do(req *http.Request) resp {
	b.e.t.Helper()
	r, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	return resp{Response: r, Body: string(body)}
}

func (b *browser) get(path string) resp {
	b.e.t.Helper()
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) resp {
	b.e.t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// csrf fetches a page and returns the token of its form.
func (b *browser) csrf(path string) string {
	b.e.t.Helper()
	r := b.get(path)
	m := csrfRE.FindStringSubmatch(r.Body)
	if m == nil {
		b.e.t.Fatalf("no csrf token on %s (status %d)", path, r.StatusCode)
	}
	return m[1]
}

func (b *browser) login(login, password string) resp {
	b.e.t.Helper()
	tok := b.csrf("/login")
	return b.post("/login", url.Values{"csrf": {tok}, "login": {login}, "password": {password}})
}

func (b *browser) mustLogin(login, password string) {
	b.e.t.Helper()
	r := b.login(login, password)
	if r.StatusCode != http.StatusSeeOther {
		b.e.t.Fatalf("login %s: status %d\n%s", login, r.StatusCode, r.Body)
	}
}
