package certs

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"strings"
	"testing"
	"time"

	"sihub/hsm"
)

func TestProfileCheck(t *testing.T) {
	for _, p := range []Profile{RootProfile, IssuingProfile, SealProfile} {
		if err := p.Check(); err != nil {
			t.Errorf("built-in profile %s: %v", p.Role, err)
		}
	}
	bad := map[string]func(*Profile){
		"seal is CA":              func(p *Profile) { p.IsCA = true; p.PathLen = 0 },
		"seal without nonRepud":   func(p *Profile) { p.KeyUsage = x509.KeyUsageDigitalSignature },
		"seal with keyCertSign":   func(p *Profile) { p.KeyUsage |= x509.KeyUsageCertSign },
		"end entity with pathlen": func(p *Profile) { p.PathLen = 2 },
		"no validity":             func(p *Profile) { p.Validity = Period{} },
		"unknown role":            func(p *Profile) { p.Role = "tsa" },
	}
	for name, mutate := range bad {
		p := SealProfile
		mutate(&p)
		if err := p.Check(); !errors.Is(err, ErrLint) {
			t.Errorf("%s: Check = %v, want ErrLint", name, err)
		}
	}
	ca := IssuingProfile
	ca.KeyUsage = x509.KeyUsageDigitalSignature
	if err := ca.Check(); !errors.Is(err, ErrLint) || !strings.Contains(err.Error(), "without keyCertSign") {
		t.Errorf("CA without keyCertSign: %v", err)
	}
	root := RootProfile
	root.Distribution = true
	if err := root.Check(); !errors.Is(err, ErrLint) {
		t.Errorf("root with pointers: %v", err)
	}
}

// countingSigner counts signatures, to show lint stops before signing.
type countingSigner struct {
	crypto.Signer
	n int
}

func (c *countingSigner) Sign(r io.Reader, d []byte, o crypto.SignerOpts) ([]byte, error) {
	c.n++
	return c.Signer.Sign(r, d, o)
}

func TestIssueRejectsBadProfile(t *testing.T) {
	p, st, keys := ensure(t)
	ctx := context.Background()
	issuing, _ := p.Issuing(hsm.SM2)
	rec, err := st.Certificate(ctx, SerialHex(issuing.SerialNumber))
	if err != nil {
		t.Fatal(err)
	}
	ik, err := keys.Find(ctx, rec.KeyID)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := keys.Generate(ctx, hsm.SM2, "leaf")
	if err != nil {
		t.Fatal(err)
	}
	caSeal := SealProfile
	caSeal.IsCA, caSeal.PathLen = true, 0
	longSeal := SealProfile
	longSeal.Validity = Period{Years: 30}
	for name, c := range map[string]struct {
		prof Profile
		now  time.Time
		want string
	}{
		"seal profile with CA=true":   {caSeal, testNow, "a seal certificate that is a CA"},
		"validity beyond the issuer":  {longSeal, testNow, "beyond the issuer"},
		"starts before the issuer":    {SealProfile, testNow.Add(-time.Hour), "precedes the issuer"},
		"CA under a pathLen 0 issuer": {IssuingProfile, testNow, "forbids a subordinate CA"},
		"good profile (control)":      {SealProfile, testNow, ""},
	} {
		t.Run(name, func(t *testing.T) {
			cs := &countingSigner{Signer: ik}
			cert, err := Issue(Request{Profile: c.prof, Subject: pkix.Name{CommonName: "x"}, PublicKey: leaf.Public(),
				Issuer: issuing, IssuerKey: cs, Now: c.now, PublicURL: "http://127.0.0.1:8080"})
			if c.want == "" {
				if err != nil || cert == nil || cs.n != 1 {
					t.Fatalf("control: %v (%d signatures)", err, cs.n)
				}
				return
			}
			if !errors.Is(err, ErrLint) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want ErrLint mentioning %q", err, c.want)
			}
			if cs.n != 0 {
				t.Fatalf("the issuer key signed %d times for a rejected certificate", cs.n)
			}
		})
	}
}

func TestLintTemplate(t *testing.T) {
	p, _, keys := ensure(t)
	issuing, _ := p.Issuing(hsm.P256)
	leaf, err := keys.Generate(context.Background(), hsm.P256, "leaf")
	if err != nil {
		t.Fatal(err)
	}
	base, err := prepare(Request{Profile: SealProfile, Subject: pkix.Name{CommonName: "印章"}, PublicKey: leaf.Public(),
		Issuer: issuing, Now: testNow, PublicURL: "http://127.0.0.1:8080"}, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	is := (*x509.Certificate)(issuing)
	if err := Lint(base, is, SealProfile); err != nil {
		t.Fatalf("prepared template fails lint: %v", err)
	}
	for name, c := range map[string]struct {
		mutate func(*x509.Certificate)
		want   string
	}{
		"negative serial": {func(c *x509.Certificate) { c.SerialNumber = big.NewInt(-5) }, "not positive"},
		"short serial":    {func(c *x509.Certificate) { c.SerialNumber = big.NewInt(12345) }, "fewer than 64"},
		"long serial":     {func(c *x509.Certificate) { c.SerialNumber = new(big.Int).Lsh(big.NewInt(1), 140) }, "more than 128"},
		"no SKI":          {func(c *x509.Certificate) { c.SubjectKeyId = nil }, "no subjectKeyIdentifier"},
		"wrong SKI":       {func(c *x509.Certificate) { c.SubjectKeyId = []byte{1, 2, 3} }, "does not match the public key"},
		"wrong AKI":       {func(c *x509.Certificate) { c.AuthorityKeyId = c.SubjectKeyId }, "authorityKeyIdentifier"},
		"empty subject":   {func(c *x509.Certificate) { c.Subject = pkix.Name{} }, "empty subject"},
		"CA flag":         {func(c *x509.Certificate) { c.IsCA = true }, "inconsistent with keyCertSign"},
		"pathlen on EE":   {func(c *x509.Certificate) { c.MaxPathLen = 3 }, "on an end entity"},
		"no pointers":     {func(c *x509.Certificate) { c.CRLDistributionPoints = nil }, "missing CRL"},
		"bad pointer":     {func(c *x509.Certificate) { c.IssuingCertificateURL = []string{"ldap:x"} }, "not an absolute http(s) URL"},
		"no OCSP pointer": {func(c *x509.Certificate) { c.OCSPServer = nil }, "missing AIA OCSP"},
		"key usage":       {func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageDigitalSignature }, "keyUsage"},
		"EKU":             {func(c *x509.Certificate) { c.UnknownExtKeyUsage = nil }, "extKeyUsage"},
		"too long":        {func(c *x509.Certificate) { c.NotAfter = c.NotAfter.AddDate(1, 0, 0) }, "beyond the profile"},
		"inverted":        {func(c *x509.Certificate) { c.NotAfter = c.NotBefore.Add(-time.Second) }, "is not before notAfter"},
		"no basic constr": {func(c *x509.Certificate) { c.BasicConstraintsValid = false }, "no basicConstraints"},
	} {
		tmpl := *base
		c.mutate(&tmpl)
		err := Lint(&tmpl, is, SealProfile)
		if !errors.Is(err, ErrLint) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Lint = %v, want ErrLint mentioning %q", name, err, c.want)
		}
	}
}
