package app

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/crl"
	"sihub/certs/ocsp"
	"sihub/hsm"
	"sihub/internal/netguard"
	"sihub/signer"
	"sihub/verifier"
)

// settableClock is a clock tests move by hand.
type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settableClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *settableClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func TestRevocationOfOurDocumentFromTheRegistry(t *testing.T) {
	signedAt := time.Now().UTC().Truncate(time.Second)
	clock := &settableClock{t: signedAt}
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = clock.Now })
	defer a.Close()
	ctx := context.Background()
	// A unit certificate carries no DSS (its level is B-T), so the verifier
	// asks the revocation source.
	res, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindUnitInsuranceCertificate, Subject: DemoUnitCode, IdempotencyKey: "rev-1", Actor: DemoPersonID})
	if err != nil {
		t.Fatal(err)
	}
	verify := func() verifier.SignatureReport {
		t.Helper()
		rep := a.Verifier.Verify(ctx, res.PDF)
		if len(rep.Signatures) == 0 {
			t.Fatalf("no signature in the issued document: %+v", rep.Errors)
		}
		return rep.Signatures[0]
	}
	sig := verify()
	if !sig.Valid || sig.Revocation != verifier.RevocationGood || sig.RevocationSource != verifier.RevocationSourceRegistry {
		t.Fatalf("before revocation: valid %v, revocation %q from %q, errors %+v", sig.Valid, sig.Revocation, sig.RevocationSource, sig.Errors)
	}
	// The seal certificate that signed the document, and its CA.
	var cert, issuer *smx509.Certificate
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		m, err := a.PKI.Seal(alg)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(m.Certificate.SerialNumber.Bytes()) == sig.SignerSerial {
			cert, issuer = m.Certificate, m.Chain[0]
		}
	}
	if cert == nil {
		t.Fatalf("signer %s is none of the instance's seals", sig.SignerSerial)
	}
	if st, err := a.Revocation.Status(ctx, cert, issuer, signedAt); err != nil || st.State != verifier.RevocationGood || st.Source != verifier.RevocationSourceRegistry {
		t.Fatalf("before revocation: %+v %v", st, err)
	}

	// Revoked (key compromise) an hour before the document was sealed.
	rec, err := a.Store.Certificate(ctx, cert.SerialNumber.Text(16))
	if err != nil {
		t.Fatal(err)
	}
	revokeAt := func(at *time.Time, status string) {
		t.Helper()
		rec.Status, rec.RevokedAt, rec.RevocationReason = status, at, int(crl.KeyCompromise)
		if err := a.Store.PutCertificate(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	before := signedAt.Add(-time.Hour)
	revokeAt(&before, crl.StatusRevoked)
	// The registry answer is reused for a few seconds …
	if st, err := a.Revocation.Status(ctx, cert, issuer, signedAt); err != nil || st.State != verifier.RevocationGood {
		t.Fatalf("within the registry cache time: %+v %v", st, err)
	}
	// … and no longer.
	clock.Set(signedAt.Add(5 * time.Second))
	st, err := a.Revocation.Status(ctx, cert, issuer, signedAt)
	if err != nil || st.State != verifier.RevocationRevoked || !st.RevokedAt.Equal(before) ||
		st.Reason != int(crl.KeyCompromise) || st.Source != verifier.RevocationSourceRegistry {
		t.Fatalf("after revocation: %+v %v", st, err)
	}
	sig = verify()
	if sig.Valid || sig.Revocation != verifier.RevocationRevoked || !hasProblem(sig.Errors, verifier.ReasonCertRevoked) {
		t.Fatalf("revoked before signing: valid %v, revocation %q, errors %+v", sig.Valid, sig.Revocation, sig.Errors)
	}

	// Revoked an hour after the document was sealed: the seal was good
	// when it was used.
	after := signedAt.Add(time.Hour)
	clock.Set(signedAt.Add(2 * time.Hour))
	revokeAt(&after, crl.StatusRevoked)
	a.Revocation.Purge()
	sig = verify()
	if sig.Revocation != verifier.RevocationGood || sig.RevokedAt == nil || !sig.RevokedAt.Equal(after) || hasProblem(sig.Errors, verifier.ReasonCertRevoked) {
		t.Fatalf("revoked after signing: revocation %q at %v, errors %+v", sig.Revocation, sig.RevokedAt, sig.Errors)
	}

	// Suspended with no time recorded: on hold from the start.
	revokeAt(nil, crl.StatusSuspended)
	a.Revocation.Purge()
	if st, err := a.Revocation.Status(ctx, cert, issuer, signedAt); err != nil || st.State != verifier.RevocationRevoked ||
		st.Reason != int(crl.CertificateHold) || !st.RevokedAt.Equal(rec.NotBefore) {
		t.Fatalf("suspended: %+v %v", st, err)
	}
	// Our own certificates never cost a fetch, though their AIA names the
	// instance, which the default allow list admits.
	if s := a.Fetch.Stats(); s.Bytes != 0 || sum(s.Fetches) != 0 {
		t.Fatalf("registry answers made fetches: %+v", s)
	}
}

func hasProblem(ps []verifier.Problem, code verifier.Reason) bool {
	for _, p := range ps {
		if p.Code == code {
			return true
		}
	}
	return false
}

// onlineRevocation is a Revocation with no registry, fetching only from
// allow, at the fixed time now.
func onlineRevocation(t testing.TB, allow string, now time.Time) *Revocation {
	t.Helper()
	return onlineRevocationClock(t, allow, func() time.Time { return now })
}

func onlineRevocationClock(t testing.TB, allow string, now func() time.Time) *Revocation {
	t.Helper()
	l, err := netguard.ParseAllowList(allow)
	if err != nil {
		t.Fatal(err)
	}
	c, err := netguard.New(netguard.Config{Allow: l, Timeout: 5 * time.Second, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return NewRevocation(RevocationOptions{Fetch: c, Now: now, Logger: discardLogger()})
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func sum(m map[string]uint64) (n uint64) {
	for _, v := range m {
		n += v
	}
	return n
}

func TestRevocationOnlineOCSP(t *testing.T) {
	for _, alg := range []string{"sm2", "p256"} {
		t.Run(alg, func(t *testing.T) {
			ctx := context.Background()
			now := time.Now().UTC().Truncate(time.Second)
			srv := newPKIServer(t)
			f := newForeignCA(t, alg, srv.URL, "foreign "+alg, now)
			good, bad := f.seal(t, "good seal"), f.seal(t, "revoked seal")
			src := ocsp.NewMemorySource()
			is := f.issuing.SerialNumber.Text(16)
			src.Set(is, good.SerialNumber, ocsp.Status{State: ocsp.Good})
			revokedAt := now.Add(-30 * time.Minute)
			src.Set(is, bad.SerialNumber, ocsp.Status{State: ocsp.Revoked, RevokedAt: revokedAt, Reason: crl.Superseded})
			srv.set(f.responder(t, src), nil)

			a := testApp(t, t.TempDir(), func(c *Config) { c.FetchAllow = srv.hostPort() })
			defer a.Close()

			st, err := a.Revocation.Status(ctx, good, f.issuing, now)
			if err != nil || st.State != verifier.RevocationGood || st.Source != verifier.RevocationSourceOnlineOCSP || st.NextUpdate.IsZero() {
				t.Fatalf("good certificate: %+v %v", st, err)
			}
			st, err = a.Revocation.Status(ctx, bad, f.issuing, now)
			if err != nil || st.State != verifier.RevocationRevoked || !st.RevokedAt.Equal(revokedAt) || st.Reason != int(crl.Superseded) {
				t.Fatalf("revoked certificate: %+v %v", st, err)
			}
			// Both answers are cached until their nextUpdate: asking again
			// costs no request.
			hits := srv.ocspHits.Load()
			for _, c := range []*smx509.Certificate{good, bad} {
				if _, err := a.Revocation.Status(ctx, c, f.issuing, now); err != nil {
					t.Fatal(err)
				}
			}
			if srv.ocspHits.Load() != hits || hits != 2 {
				t.Fatalf("%d OCSP requests for two certificates asked twice, want 2", srv.ocspHits.Load())
			}
		})
	}
}

func TestRevocationFallsBackToTheCRL(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	srv := newPKIServer(t)
	f := newForeignCA(t, "sm2", srv.URL, "foreign crl", now)
	good, bad := f.seal(t, "good seal"), f.seal(t, "revoked seal")
	src := crl.NewMemorySource()
	revokedAt := now.Add(-2 * time.Hour)
	src.Revoke(f.issuing.SerialNumber.Text(16), crl.Entry{Serial: bad.SerialNumber, RevokedAt: revokedAt, Reason: crl.KeyCompromise})
	srv.set(nil, f.crlHandler(t, src)) // the OCSP responder is down

	rev := onlineRevocation(t, srv.hostPort(), now)
	st, err := rev.Status(ctx, bad, f.issuing, now)
	if err != nil || st.State != verifier.RevocationRevoked || !st.RevokedAt.Equal(revokedAt) ||
		st.Reason != int(crl.KeyCompromise) || st.Source != verifier.RevocationSourceOnlineCRL {
		t.Fatalf("revoked certificate: %+v %v", st, err)
	}
	st, err = rev.Status(ctx, good, f.issuing, now)
	if err != nil || st.State != verifier.RevocationGood || st.Source != verifier.RevocationSourceOnlineCRL {
		t.Fatalf("good certificate: %+v %v", st, err)
	}
	if srv.crlHits.Load() != 1 || srv.ocspHits.Load() != 2 {
		t.Fatalf("%d CRL and %d OCSP requests; want the CRL fetched once and cached, the dead responder tried once per certificate", srv.crlHits.Load(), srv.ocspHits.Load())
	}
}

func TestRevocationRejectsBadCRLs(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	srv := newPKIServer(t)
	f := newForeignCA(t, "p256", srv.URL, "foreign", now)
	// Another CA with the very same names: its CRLs carry the right issuer
	// name and the wrong signature.
	impostor := newForeignCA(t, "p256", srv.URL, "foreign", now)
	cert := f.seal(t, "seal")
	build := func(iss *foreignCA, this, next time.Time) []byte {
		der, err := crl.Build(crl.Issuer{Certificate: iss.issuing, Key: iss.issuingKey}, nil, crl.Template{Number: big.NewInt(1), ThisUpdate: this, NextUpdate: next})
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	for name, tc := range map[string]struct {
		der  []byte
		want string
	}{
		"signed by another CA": {build(impostor, now, now.Add(time.Hour)), "signature"},
		"stale":                {build(f, now.Add(-2*time.Hour), now.Add(-time.Hour)), "stale"},
		"from the future":      {build(f, now.Add(time.Hour), now.Add(2*time.Hour)), "future"},
		"not a CRL":            {[]byte("<html>captive portal</html>"), "does not parse"},
	} {
		t.Run(name, func(t *testing.T) {
			srv.set(nil, fixedCRL(tc.der))
			st, err := onlineRevocation(t, srv.hostPort(), now).Status(ctx, cert, f.issuing, now)
			if st.State != verifier.RevocationUnknown || !errors.Is(err, ErrRevocationUnknown) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %+v, %v; want unknown naming %q", st, err, tc.want)
			}
		})
	}
}

func TestRevocationNeverFetchesFromUnlistedHosts(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	srv := newPKIServer(t)
	f := newForeignCA(t, "p256", srv.URL, "foreign", now)
	cert := f.seal(t, "seal")
	srv.set(f.responder(t, ocsp.NewMemorySource()), f.crlHandler(t, crl.NewMemorySource()))

	// The default allow list: only the instance's own public URL
	// (http://127.0.0.1:8080), not the foreign CA's port.
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	st, err := a.Revocation.Status(ctx, cert, f.issuing, now)
	if st.State != verifier.RevocationUnknown || !errors.Is(err, ErrRevocationUnknown) || !errors.Is(err, netguard.ErrNotAllowed) {
		t.Fatalf("got %+v, %v; want unknown, not allowed", st, err)
	}
	if !strings.Contains(err.Error(), srv.hostPort()) {
		t.Errorf("the error %q does not name the refused host", err)
	}
	if srv.ocspHits.Load()+srv.crlHits.Load() != 0 {
		t.Fatalf("the unlisted server saw %d OCSP and %d CRL requests", srv.ocspHits.Load(), srv.crlHits.Load())
	}
	if s := a.Fetch.Stats(); s.Fetches[netguard.OutcomeRefused] != 2 {
		t.Fatalf("stats %+v; want the OCSP and the CRL fetch refused", s)
	}
}

func TestRevocationFailuresAreNotRetriedAtOnce(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	srv := newPKIServer(t) // OCSP answers 503, CRLs 404
	f := newForeignCA(t, "p256", srv.URL, "foreign", now)
	cert := f.seal(t, "seal")
	clock := now
	rev := onlineRevocationClock(t, srv.hostPort(), func() time.Time { return clock })
	for i := 0; i < 3; i++ {
		if st, err := rev.Status(ctx, cert, f.issuing, now); st.State != verifier.RevocationUnknown || !errors.Is(err, netguard.ErrStatus) {
			t.Fatalf("attempt %d: %+v %v", i, st, err)
		}
	}
	if srv.ocspHits.Load() != 1 || srv.crlHits.Load() != 1 {
		t.Fatalf("%d OCSP and %d CRL requests for three questions within a minute, want one each", srv.ocspHits.Load(), srv.crlHits.Load())
	}
	clock = now.Add(revocationRetryAfter)
	rev.Status(ctx, cert, f.issuing, now)
	if srv.ocspHits.Load() != 2 || srv.crlHits.Load() != 2 {
		t.Fatalf("after a minute: %d OCSP and %d CRL requests, want two each", srv.ocspHits.Load(), srv.crlHits.Load())
	}
}

func TestRevocationConcurrentColdCacheFetchesOnce(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	srv := newPKIServer(t)
	f := newForeignCA(t, "sm2", srv.URL, "foreign", now)
	cert := f.seal(t, "seal")
	release := make(chan struct{})
	src := ocsp.NewMemorySource()
	src.Set(f.issuing.SerialNumber.Text(16), cert.SerialNumber, ocsp.Status{State: ocsp.Good})
	responder := f.responder(t, src)
	srv.set(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // every caller is asking by now, or has its answer from the cache
		responder.ServeHTTP(w, r)
	}), nil)
	rev := onlineRevocation(t, srv.hostPort(), now)
	const n = 16
	var started, done sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		started.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			started.Done()
			st, err := rev.Status(ctx, cert, f.issuing, now)
			if err == nil && st.State != verifier.RevocationGood {
				err = errors.New("state " + st.State)
			}
			errs <- err
		}()
	}
	started.Wait()
	close(release)
	done.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.ocspHits.Load(); got != 1 {
		t.Fatalf("%d concurrent questions made %d OCSP requests, want 1", n, got)
	}
}

func TestRevocationRejectsBadOCSPResponses(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	srv := newPKIServer(t)
	f := newForeignCA(t, "sm2", srv.URL, "foreign", now)
	// Another CA with the very same names, and its responder.
	impostor := newForeignCA(t, "sm2", srv.URL, "foreign", now)
	cert, other := f.seal(t, "seal"), f.seal(t, "other seal")
	for name, tc := range map[string]struct {
		der  []byte
		want string
	}{
		"signed by another CA's responder": {impostor.ocspResponse(t, impostor.seal(t, "seal"), now), "does not verify"},
		"about another certificate":        {f.ocspResponse(t, other, now), "does not answer for the certificate"},
		"stale":                            {f.ocspResponse(t, cert, now.Add(-3*time.Hour)), "stale"},
		"not OCSP":                         {[]byte("<html>captive portal</html>"), "malformed"},
	} {
		t.Run(name, func(t *testing.T) {
			srv.set(fixedBody("application/ocsp-response", tc.der), nil)
			st, err := onlineRevocation(t, srv.hostPort(), now).Status(ctx, cert, f.issuing, now)
			if st.State != verifier.RevocationUnknown || !errors.Is(err, ErrRevocationUnknown) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %+v, %v; want unknown naming %q", st, err, tc.want)
			}
		})
	}
	// The same server with a proper answer is believed: the refusals above
	// were the responses' faults.
	srv.set(fixedBody("application/ocsp-response", f.ocspResponse(t, cert, now)), nil)
	if st, err := onlineRevocation(t, srv.hostPort(), now).Status(ctx, cert, f.issuing, now); err != nil || st.State != verifier.RevocationGood {
		t.Fatalf("a proper response: %+v %v", st, err)
	}
}

func TestFetchCountersInMetrics(t *testing.T) {
	a := testApp(t, t.TempDir(), func(c *Config) { c.FetchAllow = "ocsp.example.com" })
	defer a.Close()
	if _, err := a.Fetch.Get(context.Background(), "http://unlisted.example.com/x.crl", 1024); !errors.Is(err, netguard.ErrNotAllowed) {
		t.Fatalf("unlisted host: %v", err)
	}
	h, err := a.Handler("test")
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if body := rec.Body.String(); !strings.Contains(body, `sihub_outbound_fetches_total{outcome="refused"} 1`) {
		t.Fatalf("/metrics (%d) lacks the refused fetch:\n%s", rec.Code, body)
	}
}

func TestRevokedSealIsSeenAtOnce(t *testing.T) {
	ctx := context.Background()
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	m, err := a.PKI.Seal(hsm.SM2)
	if err != nil {
		t.Fatal(err)
	}
	now := a.Config.Now()
	if st, err := a.Revocation.Status(ctx, m.Certificate, m.Chain[0], now); err != nil || st.State != verifier.RevocationGood {
		t.Fatalf("before: %+v %v", st, err) // and now cached
	}
	if _, err := a.caAdmin.RevokeSeal(ctx, DemoCAAdmin, m.Seal.ID, "keyCompromise"); err != nil {
		t.Fatal(err)
	}
	st, err := a.Revocation.Status(ctx, m.Certificate, m.Chain[0], now)
	if err != nil || st.State != verifier.RevocationRevoked || st.Reason != int(crl.KeyCompromise) || st.Source != verifier.RevocationSourceRegistry {
		t.Fatalf("right after the administrator revoked the seal: %+v %v", st, err)
	}
}

func TestOfflineVerificationAsksTheRegistry(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := testApp(t, dir, nil)
	res, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindUnitInsuranceCertificate, Subject: DemoUnitCode, Actor: DemoPersonID})
	if err != nil {
		t.Fatal(err)
	}
	cfg := a.Config
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	v, err := OpenVerification(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	rep := v.Verifier.Verify(ctx, res.PDF)
	if len(rep.Signatures) == 0 {
		t.Fatalf("no signatures: %+v", rep.Errors)
	}
	if sig := rep.Signatures[0]; sig.Revocation != verifier.RevocationGood || sig.RevocationSource != verifier.RevocationSourceRegistry {
		t.Fatalf("offline verification: revocation %q from %q, notes %q", sig.Revocation, sig.RevocationSource, sig.Notes)
	}
}
