package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509/pkix"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/hsm"
)

func TestIssueService(t *testing.T) {
	p, _, keys := ensure(t)
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		t.Run(string(alg), func(t *testing.T) {
			issuing, _ := p.Issuing(alg)
			issuerKey, _ := p.IssuingKey(alg)
			key, err := keys.Generate(t.Context(), alg, "service")
			if err != nil {
				t.Fatal(err)
			}
			issue := func(prof Profile) (*smx509.Certificate, error) {
				return IssueService(Request{Profile: prof, Subject: pkix.Name{CommonName: "svc " + prof.Role}, PublicKey: key.Public(),
					Issuer: issuing, IssuerKey: issuerKey, Now: testNow, PublicURL: "https://si.example.cn"})
			}
			ocsp, err := issue(OCSPSignerProfile)
			if err != nil {
				t.Fatal(err)
			}
			tsa, err := issue(TSAProfile)
			if err != nil {
				t.Fatal(err)
			}
			if !ocsp.NotAfter.Equal(testNow.AddDate(0, 0, 30)) || len(ocsp.CRLDistributionPoints) != 0 {
				t.Errorf("OCSP signer: notAfter %s, CRL DP %v", ocsp.NotAfter, ocsp.CRLDistributionPoints)
			}
			if len(tsa.CRLDistributionPoints) != 1 || tsa.IsCA || ocsp.IsCA {
				t.Errorf("TSA: CRL DP %v", tsa.CRLDistributionPoints)
			}
			var critical, noCheck bool
			for _, e := range tsa.Extensions {
				if e.Id.Equal(oidExtKeyUsage) {
					critical = e.Critical
				}
			}
			for _, e := range ocsp.Extensions {
				noCheck = noCheck || e.Id.Equal(OIDOCSPNoCheck)
			}
			if !critical || !noCheck {
				t.Errorf("TSA EKU critical %v, OCSP nocheck %v", critical, noCheck)
			}
			if _, err := issue(SealProfile); !errors.Is(err, ErrLint) {
				t.Errorf("a seal profile through IssueService: %v", err)
			}
			if alg == hsm.P256 {
				checkServiceWithOpenSSL(t, ocsp, tsa)
			}
		})
	}
}

func checkServiceWithOpenSSL(t *testing.T, ocsp, tsa *smx509.Certificate) {
	openssl := requireTool(t, "openssl")
	dir := t.TempDir()
	for name, c := range map[string]*smx509.Certificate{"ocsp": ocsp, "tsa": tsa} {
		f := filepath.Join(dir, name+".pem")
		if err := os.WriteFile(f, PEM(c), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(openssl, "x509", "-in", f, "-noout", "-ext", "extendedKeyUsage,noCheck", "-purpose").CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		s := string(out)
		switch name {
		case "ocsp":
			if !strings.Contains(s, "OCSP Signing") || !strings.Contains(s, "OCSP No Check") {
				t.Errorf("OCSP signer:\n%s", s)
			}
		case "tsa":
			if !strings.Contains(s, "X509v3 Extended Key Usage: critical") || !strings.Contains(s, "Time Stamping") ||
				!strings.Contains(s, "Time Stamp signing : Yes") {
				t.Errorf("TSA:\n%s", s)
			}
		}
	}
}

func TestLintService(t *testing.T) {
	p, _, _ := ensure(t)
	seal, _ := p.Seal(hsm.P256)
	if err := LintService(seal.Certificate); !errors.Is(err, ErrLint) {
		t.Fatalf("seal certificate: %v", err)
	}
	// Issue (rather than IssueService) cannot make a TSA or OCSP-signer
	// certificate: the critical EKU and nocheck are missing, and Lint says so
	// before anything is signed.
	issuing, _ := p.Issuing(hsm.P256)
	issuerKey, _ := p.IssuingKey(hsm.P256)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, prof := range []Profile{TSAProfile, OCSPSignerProfile} {
		_, err := Issue(Request{Profile: prof, Subject: pkix.Name{CommonName: "plain " + prof.Role}, PublicKey: k.Public(),
			Issuer: issuing, IssuerKey: issuerKey, Now: testNow, PublicURL: "https://si.example.cn"})
		if !errors.Is(err, ErrLint) || !strings.Contains(err.Error(), "IssueService") {
			t.Errorf("%s through Issue: %v", prof.Role, err)
		}
	}
}

func TestEnsureServices(t *testing.T) {
	p, st, keys := ensure(t)
	cfg := testConfig()
	first, err := EnsureServices(t.Context(), keys, st, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		issuing, _ := p.Issuing(alg)
		for _, m := range []*ServiceMaterial{first.OCSP[alg], first.TSA[alg]} {
			if err := m.Certificate.CheckSignatureFrom(issuing); err != nil || LintService(m.Certificate) != nil {
				t.Fatalf("%s %s: %v", alg, m.Certificate.Subject.CommonName, err)
			}
			if !publicKeysEqual(m.Key.Public(), m.Certificate.PublicKey) {
				t.Fatalf("%s: key does not match", m.Certificate.Subject.CommonName)
			}
		}
	}
	again, err := EnsureServices(t.Context(), keys, st, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !again.OCSP[hsm.SM2].Certificate.Equal(first.OCSP[hsm.SM2].Certificate) || !again.TSA[hsm.P256].Certificate.Equal(first.TSA[hsm.P256].Certificate) {
		t.Fatal("second call issued new certificates")
	}
	// 21 days on, the 30-day OCSP signer is renewed, the TSA kept.
	later := testNow.AddDate(0, 0, 21)
	cfg.Now = func() time.Time { return later }
	renewed, err := EnsureServices(t.Context(), keys, st, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if renewed.OCSP[hsm.P256].Certificate.Equal(first.OCSP[hsm.P256].Certificate) || !renewed.OCSP[hsm.P256].Certificate.NotBefore.Equal(later) {
		t.Fatal("OCSP signer not renewed")
	}
	if !renewed.TSA[hsm.P256].Certificate.Equal(first.TSA[hsm.P256].Certificate) {
		t.Fatal("TSA certificate renewed early")
	}
	recs, _ := st.ListCertificates(t.Context(), RoleOCSP)
	if len(recs) != 4 {
		t.Fatalf("%d OCSP records, want 4 (2 algorithms × 2 generations)", len(recs))
	}
}

func TestCRLSigners(t *testing.T) {
	p, st, keys := ensure(t)
	signers, err := CRLSigners(t.Context(), keys, st, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(signers) != 4 {
		t.Fatalf("%d signers, want root and issuing for two algorithms", len(signers))
	}
	for _, s := range signers {
		if !publicKeysEqual(s.Key.Public(), s.Certificate.PublicKey) || !s.Certificate.IsCA {
			t.Errorf("%s: key does not match or not a CA", s.Certificate.Subject.CommonName)
		}
	}
}
