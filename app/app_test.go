package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/ocsp"
	"sihub/hsm"
	"sihub/ident"
	"sihub/model"
	"sihub/signer"
)

func testApp(t *testing.T, dir string, mod func(*Config)) *App {
	t.Helper()
	cfg := Defaults()
	cfg.DataDir = dir
	if mod != nil {
		mod(&cfg)
	}
	a, err := Open(context.Background(), cfg, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestIssueIsAuditedAndIdempotent(t *testing.T) {
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	ctx := context.Background()
	req := signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, IdempotencyKey: "req-1", Actor: DemoPersonID}
	first, err := a.Issuer.Issue(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := a.Issuer.Issue(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Existing || again.Document.Code != first.Document.Code || string(again.PDF) != string(first.PDF) {
		t.Fatalf("repeated idempotency key issued a new document: %s vs %s", again.Document.Code, first.Document.Code)
	}
	entries, err := a.Store.AuditEntries(ctx, time.Time{}, "document.issue", first.Document.Code, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Actor != DemoPersonID || entries[0].Outcome != "ok" {
		t.Fatalf("audit entries for the issuance: %+v", entries)
	}
	stored, err := a.Store.DocumentByCode(ctx, first.Document.Code)
	if err != nil || stored.Number != first.Document.Number || stored.Status != model.DocValid {
		t.Fatalf("registry entry %+v %v", stored, err)
	}
}

func TestIssueRejectsBadRequests(t *testing.T) {
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	ctx := context.Background()
	for name, tc := range map[string]struct {
		req  signer.IssueRequest
		want error
	}{
		"bad check digit": {signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: "110105199003071238"}, signer.ErrBadRequest},
		"unknown person":  {signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: "440306200002290033"}, signer.ErrBadRequest},
		"unknown kind":    {signer.IssueRequest{Kind: "diploma", Subject: DemoPersonID}, signer.ErrBadRequest},
		"not in English":  {signer.IssueRequest{Kind: signer.KindReceipt, Subject: DemoPersonID, Lang: "en"}, signer.ErrBadRequest},
		"bad algorithm":   {signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Algorithms: []string{"rsa"}}, signer.ErrBadRequest},
		"bad language":    {signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Lang: "fr"}, signer.ErrBadRequest},
	} {
		if _, err := a.Issuer.Issue(ctx, tc.req); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
	docs, err := a.Store.DocumentsBySubject(ctx, DemoPersonID)
	if err != nil || len(docs) != 0 {
		t.Fatalf("failed requests stored documents: %d %v", len(docs), err)
	}
}

func TestConcurrentIssuersGetDistinctNumbers(t *testing.T) {
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	ctx := context.Background()
	const workers, each = 8, 5
	var mu sync.Mutex
	numbers, codes := map[string]bool{}, map[string]bool{}
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID})
				if err != nil {
					errc <- err
					return
				}
				mu.Lock()
				numbers[iss.Document.Number], codes[iss.Document.Code] = true, true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if len(numbers) != workers*each || len(codes) != workers*each {
		t.Fatalf("%d numbers and %d codes for %d documents", len(numbers), len(codes), workers*each)
	}
}

func TestReopenLoadsTheSamePKIAndNeedsThePassphrase(t *testing.T) {
	dir := t.TempDir()
	a := testApp(t, dir, func(c *Config) { c.KeyPassphrase = "correct horse battery" })
	roots := a.PKI.Roots()
	sealBefore, err := a.PKI.Seal(hsm.SM2)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()

	b := testApp(t, dir, func(c *Config) { c.KeyPassphrase = "correct horse battery" })
	defer b.Close()
	if got := b.PKI.Roots(); len(got) != len(roots) || !got[0].Equal(roots[0]) {
		t.Fatal("reopening created a new root")
	}
	sealAfter, _ := b.PKI.Seal(hsm.SM2)
	if sealAfter.Seal.ID != sealBefore.Seal.ID {
		t.Fatal("reopening created a new seal")
	}
	if n, _ := b.Store.CountPersons(context.Background()); n != 3 {
		t.Fatalf("%d persons after reopening, want the 3 demo persons", n)
	}

	cfg := Defaults()
	cfg.DataDir, cfg.KeyPassphrase = dir, "wrong passphrase!"
	if _, err := Open(context.Background(), cfg, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); !errors.Is(err, hsm.ErrWrongPassword) {
		t.Fatalf("wrong passphrase: err = %v, want hsm.ErrWrongPassword", err)
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{"SIHUB_ADDR": "127.0.0.1:9090", "SIHUB_PUBLIC_URL": "https://si.example.gov.cn", "SIHUB_DEMO": "false"}
	c, err := FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9090" || c.PublicURL != "https://si.example.gov.cn" || c.Demo || !c.DevelopmentKeys() {
		t.Fatalf("config %+v", c)
	}
	for k, v := range map[string]string{"SIHUB_PUBLIC_URL": "ftp://x", "SIHUB_ADDR": "nohost", "SIHUB_KEY_PASSPHRASE": "short", "SIHUB_CERT_VALIDITY": "1h"} {
		if _, err := FromEnv(func(n string) string {
			if n == k {
				return v
			}
			return ""
		}); err == nil {
			t.Errorf("%s=%q accepted", k, v)
		}
	}
}

func TestSeedSyntheticMakesValidIssuablePersons(t *testing.T) {
	a := testApp(t, t.TempDir(), func(c *Config) { c.Demo = false })
	defer a.Close()
	ctx := context.Background()
	res, err := SeedSynthetic(ctx, a.Store, 20, 7, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if res.Persons != 20 || res.Units < 1 || res.Contributions == 0 {
		t.Fatalf("seeded %+v", res)
	}
	ids, err := a.Store.PersonIDs(ctx, "", 100)
	if err != nil || len(ids) != 20 {
		t.Fatalf("%d persons stored, %v", len(ids), err)
	}
	for _, id := range ids {
		if _, err := ident.CitizenID(id); err != nil {
			t.Fatalf("synthetic ID %s: %v", id, err)
		}
	}
	if _, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: ids[3]}); err != nil {
		t.Fatalf("issuing for a synthetic person: %v", err)
	}
	// The same seed gives the same persons: no duplicates.
	if _, err := SeedSynthetic(ctx, a.Store, 20, 7, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if n, _ := a.Store.CountPersons(ctx); n != 20 {
		t.Fatalf("%d persons after seeding the same seed twice", n)
	}
}

func TestReissueSupersedesAndWithdrawal(t *testing.T) {
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	ctx := context.Background()
	first, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Algorithms: []string{"p256"}, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := a.Issuer.Reissue(ctx, a.Store, first.Document.Code, "clerk")
	if err != nil {
		t.Fatal(err)
	}
	if second.Document.Kind != first.Document.Kind || second.Document.Lang != "en" || second.Document.Algorithms[0] != "p256" {
		t.Fatalf("reissued %+v", second.Document)
	}
	r := a.Verifier.Verify(ctx, first.PDF)
	if r.Valid || r.Document.RegistryStatus != "superseded" || r.Document.SupersededBy != second.Document.Code {
		t.Fatalf("old document after reissue: valid=%v %+v", r.Valid, r.Document)
	}
	if r := a.Verifier.Verify(ctx, second.PDF); !r.Valid {
		t.Fatalf("new document not valid: %+v", r.Errors)
	}
	if _, err := a.Issuer.Reissue(ctx, a.Store, first.Document.Code, "clerk"); !errors.Is(err, signer.ErrNotValid) {
		t.Fatalf("reissuing a superseded document: %v", err)
	}

	if err := a.Issuer.Withdraw(ctx, a.Store, second.Document.Code, "", "clerk"); !errors.Is(err, signer.ErrBadRequest) {
		t.Fatalf("withdrawal without a reason: %v", err)
	}
	if err := a.Issuer.Withdraw(ctx, a.Store, second.Document.Code, "参保信息有误，已更正", "clerk"); err != nil {
		t.Fatal(err)
	}
	r = a.Verifier.Verify(ctx, second.PDF)
	if r.Valid || r.Document.RegistryStatus != "withdrawn" {
		t.Fatalf("withdrawn document: valid=%v %+v", r.Valid, r.Document)
	}
	for _, action := range []string{"document.supersede", "document.withdraw"} {
		if es, err := a.Store.AuditEntries(ctx, time.Time{}, action, "", 10); err != nil || len(es) != 1 {
			t.Errorf("%s audit entries: %d %v", action, len(es), err)
		}
	}
}

func TestPKIServicesAnswerOverHTTP(t *testing.T) {
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	h, err := a.Handler("test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		seal, err := a.PKI.Seal(alg)
		if err != nil {
			t.Fatal(err)
		}
		issuing, _ := a.PKI.Issuing(alg)
		// The seal certificate's own pointers lead to the services.
		get := func(u string) []byte {
			t.Helper()
			resp, err := http.Get(srv.URL + strings.TrimPrefix(u, a.Config.PublicURL))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
			}
			return b
		}
		rl, err := smx509.ParseRevocationList(get(seal.Certificate.CRLDistributionPoints[0]))
		if err != nil || rl.CheckSignatureFrom(issuing) != nil {
			t.Fatalf("%s CRL: %v", alg, err)
		}
		if ca, err := smx509.ParseCertificate(get(seal.Certificate.IssuingCertificateURL[0])); err != nil || !ca.Equal(issuing) {
			t.Fatalf("%s caIssuers: %v", alg, err)
		}
		req, err := ocsp.CreateRequest(seal.Certificate, issuing, ocsp.SHA256, []byte("nonce-1"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Post(srv.URL+"/pki/ocsp", "application/ocsp-request", bytes.NewReader(req))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		or, err := ocsp.ParseResponse(body, issuing)
		if err != nil || or.Responses[0].Status.State != ocsp.Good {
			t.Fatalf("%s OCSP: %v %+v", alg, err, or)
		}
	}
}

func TestKeyUseIsAudited(t *testing.T) {
	dir := t.TempDir()
	a := testApp(t, dir, nil)
	ctx := context.Background()
	gen, err := a.Store.AuditEntries(ctx, time.Time{}, "key.generate", "", 100)
	if err != nil || len(gen) < 6 {
		t.Fatalf("%d key.generate entries on first start (roots, issuing CAs, seals): %v", len(gen), err)
	}
	if _, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID}); err != nil {
		t.Fatal(err)
	}
	seal, _ := a.PKI.Seal(hsm.SM2)
	if err := a.Close(); err != nil { // Close writes the counted uses
		t.Fatal(err)
	}
	b := testApp(t, dir, nil)
	defer b.Close()
	signs, err := b.Store.AuditEntries(ctx, time.Time{}, "key.sign", seal.Key.ID(), 10)
	if err != nil || len(signs) != 1 || !strings.HasPrefix(signs[0].Detail, "count=2 ") {
		// One issuance signs twice with the seal key: the QR token and the CMS.
		t.Fatalf("key.sign entries for the seal key: %+v %v", signs, err)
	}
	for _, e := range append(gen, signs...) {
		if strings.Contains(e.Detail, DevelopmentPassphrase) {
			t.Fatal("an audit entry carries the passphrase")
		}
	}
}

func TestExpiryWarningsAndMetrics(t *testing.T) {
	var now time.Time = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = func() time.Time { return now } })
	defer a.Close()
	ctx := context.Background()
	if n, err := a.WarnExpiring(ctx); err != nil || n != 0 {
		t.Fatalf("fresh instance: %d warnings, %v", n, err)
	}
	seal, _ := a.PKI.Seal(hsm.SM2)
	now = seal.Seal.ValidUntil.Add(-10 * 24 * time.Hour)
	n, err := a.WarnExpiring(ctx)
	// Both seals and both seal certificates end three years after creation.
	if err != nil || n != 4 {
		t.Fatalf("ten days before the seals end: %d warnings, %v", n, err)
	}
	if es, _ := a.Store.AuditEntries(ctx, time.Time{}, "pki.expiry_warning", seal.Seal.ID, 10); len(es) != 1 {
		t.Fatalf("audit entries for the SM2 seal: %+v", es)
	}
	h, err := a.Handler("test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`sihub_expiring_soon{kind="seal"} 2`, `sihub_expiring_soon{kind="certificate"} 2`, `sihub_seal_expiry_days{alg="sm2"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
