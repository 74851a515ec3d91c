package crl

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/internal/pkitest"
	"sihub/hsm"
)

var algs = []hsm.Algorithm{hsm.SM2, hsm.P256}

func sampleEntries() []Entry {
	at := pkitest.Now.Add(time.Hour)
	return []Entry{
		{Serial: big.NewInt(0x1001), RevokedAt: at, Reason: KeyCompromise, InvalidityDate: at.Add(-48 * time.Hour)},
		{Serial: big.NewInt(0x1002), RevokedAt: at, Reason: Unspecified},
		{Serial: new(big.Int).Lsh(big.NewInt(0x7abc), 112), RevokedAt: at.Add(time.Minute), Reason: Superseded},
	}
}

func buildSample(t *testing.T, h *pkitest.Hierarchy) []byte {
	t.Helper()
	der, err := Build(Issuer{h.Issuing, h.IssuingKey}, sampleEntries(), Template{
		Number: big.NewInt(42), ThisUpdate: pkitest.Now.Add(2 * time.Hour), NextUpdate: pkitest.Now.Add(26 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestBuildParsesAndVerifiesWithGmsm(t *testing.T) {
	for _, alg := range algs {
		t.Run(string(alg), func(t *testing.T) {
			h := pkitest.New(t, alg)
			der := buildSample(t, h)
			rl, err := smx509.ParseRevocationList(der)
			if err != nil {
				t.Fatal(err)
			}
			if err := rl.CheckSignatureFrom(h.Issuing); err != nil {
				t.Fatalf("signature: %v", err)
			}
			if err := rl.CheckSignatureFrom(h.Root); err == nil {
				t.Fatal("the CRL verifies under the root, which did not sign it")
			}
			wantAlg := x509.ECDSAWithSHA256
			if alg == hsm.SM2 {
				wantAlg = smx509.SM2WithSM3
			}
			if rl.SignatureAlgorithm != wantAlg {
				t.Errorf("signature algorithm %v, want %v", rl.SignatureAlgorithm, wantAlg)
			}
			if rl.Number.Int64() != 42 || !bytes.Equal(rl.AuthorityKeyId, h.Issuing.SubjectKeyId) {
				t.Errorf("number %v AKI %x", rl.Number, rl.AuthorityKeyId)
			}
			if !rl.NextUpdate.Equal(pkitest.Now.Add(26*time.Hour)) || !bytes.Equal(rl.RawIssuer, h.Issuing.RawSubject) {
				t.Errorf("nextUpdate %s issuer %x", rl.NextUpdate, rl.RawIssuer)
			}
			want := sampleEntries()
			if len(rl.RevokedCertificateEntries) != len(want) {
				t.Fatalf("%d entries, want %d", len(rl.RevokedCertificateEntries), len(want))
			}
			for i, e := range rl.RevokedCertificateEntries {
				w := want[i]
				if e.SerialNumber.Cmp(w.Serial) != 0 || !e.RevocationTime.Equal(w.RevokedAt) || e.ReasonCode != int(w.Reason) {
					t.Errorf("entry %d: %x %s %d, want %x %s %d", i, e.SerialNumber, e.RevocationTime, e.ReasonCode, w.Serial, w.RevokedAt, w.Reason)
				}
				var inv time.Time
				for _, x := range e.Extensions {
					if x.Id.Equal(oidInvalidityDate) {
						if _, err := asn1.Unmarshal(x.Value, &inv); err != nil {
							t.Fatal(err)
						}
					}
				}
				if !inv.Equal(w.InvalidityDate) {
					t.Errorf("entry %d: invalidity date %s, want %s", i, inv, w.InvalidityDate)
				}
			}
		})
	}
}

func TestBuildRejects(t *testing.T) {
	h := pkitest.New(t, hsm.P256)
	iss := Issuer{h.Issuing, h.IssuingKey}
	ok := Template{Number: big.NewInt(1), ThisUpdate: pkitest.Now, NextUpdate: pkitest.Now.Add(time.Hour)}
	cases := map[string]struct {
		iss     Issuer
		entries []Entry
		tmpl    Template
	}{
		"no key":             {Issuer{Certificate: h.Issuing}, nil, ok},
		"no number":          {iss, nil, Template{ThisUpdate: ok.ThisUpdate, NextUpdate: ok.NextUpdate}},
		"next before this":   {iss, nil, Template{Number: ok.Number, ThisUpdate: ok.NextUpdate, NextUpdate: ok.ThisUpdate}},
		"zero serial":        {iss, []Entry{{Serial: big.NewInt(0), RevokedAt: pkitest.Now}}, ok},
		"no revocation time": {iss, []Entry{{Serial: big.NewInt(5)}}, ok},
		"reason 7":           {iss, []Entry{{Serial: big.NewInt(5), RevokedAt: pkitest.Now, Reason: 7}}, ok},
		"key of another":     {Issuer{h.Issuing, h.RootKey}, nil, ok},
		"number of 21 bytes": {iss, nil, Template{Number: new(big.Int).Lsh(big.NewInt(1), 160), ThisUpdate: ok.ThisUpdate, NextUpdate: ok.NextUpdate}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := Build(c.iss, c.entries, c.tmpl); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	// A certificate without cRLSign cannot sign a CRL.
	if _, err := Build(Issuer{h.Seal, h.SealKey}, nil, ok); err == nil {
		t.Fatal("a seal certificate signed a CRL")
	}
}

// TestRootSignsIssuingCARevocations: the root's CRL (an ARL) lists a
// revoked issuing CA and verifies under the root.
func TestRootSignsIssuingCARevocations(t *testing.T) {
	for _, alg := range algs {
		t.Run(string(alg), func(t *testing.T) {
			h := pkitest.New(t, alg)
			der, err := Build(Issuer{h.Root, h.RootKey}, []Entry{{Serial: h.Issuing.SerialNumber, RevokedAt: pkitest.Now, Reason: CACompromise}},
				Template{Number: big.NewInt(1), ThisUpdate: pkitest.Now, NextUpdate: pkitest.Now.Add(24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			rl, err := smx509.ParseRevocationList(der)
			if err != nil {
				t.Fatal(err)
			}
			if err := rl.CheckSignatureFrom(h.Root); err != nil {
				t.Fatal(err)
			}
			if e := rl.RevokedCertificateEntries; len(e) != 1 || e[0].SerialNumber.Cmp(h.Issuing.SerialNumber) != 0 || e[0].ReasonCode != int(CACompromise) {
				t.Fatalf("entries %+v", e)
			}
		})
	}
}

func TestOpenSSLParsesBoth(t *testing.T) {
	for _, alg := range algs {
		t.Run(string(alg), func(t *testing.T) {
			h := pkitest.New(t, alg)
			dir := t.TempDir()
			f := filepath.Join(dir, "c.crl")
			if err := os.WriteFile(f, buildSample(t, h), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := pkitest.OpenSSL(t, "crl", "-inform", "DER", "-in", f, "-noout", "-text")
			if err != nil {
				t.Fatalf("openssl crl: %v\n%s", err, out)
			}
			wantSig := "ecdsa-with-SHA256"
			if alg == hsm.SM2 {
				wantSig = "SM2-with-SM3"
			}
			for _, want := range []string{"Version 2", wantSig, "X509v3 CRL Number", "42", "Next Update: Mar  2 10:00:00 2026 GMT",
				"X509v3 Authority Key Identifier", "Serial Number: 1001", "Key Compromise", "Invalidity Date",
				"Mar  1 09:00:00 2026 GMT", "Serial Number: 1002", "Superseded", "Serial Number: 7ABC0000"} {
				if !strings.Contains(out, want) {
					t.Errorf("openssl output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestOpenSSLVerifiesP256(t *testing.T) {
	h := pkitest.New(t, hsm.P256)
	dir := t.TempDir()
	f := filepath.Join(dir, "c.crl")
	if err := os.WriteFile(f, buildSample(t, h), 0o600); err != nil {
		t.Fatal(err)
	}
	ca := pkitest.WritePEM(t, dir, "issuing", h.Issuing)
	out, err := pkitest.OpenSSL(t, "crl", "-inform", "DER", "-in", f, "-noout", "-verify", "-CAfile", ca)
	if err != nil || !strings.Contains(out, "verify OK") {
		t.Fatalf("openssl crl -verify: %v\n%s", err, out)
	}
	// The same CRL against another CA's certificate must fail.
	other := pkitest.WritePEM(t, dir, "other", pkitest.New(t, hsm.P256).Issuing)
	out, _ = pkitest.OpenSSL(t, "crl", "-inform", "DER", "-in", f, "-noout", "-verify", "-CAfile", other)
	if strings.Contains(out, "verify OK") {
		t.Fatalf("verified under the wrong CA:\n%s", out)
	}
}

// TestOpenSSLSM2Signature checks an SM2 CRL's signature with OpenSSL's SM2
// primitive: `openssl crl -verify` has no way to pass the signer ID (see
// TestOpenSSLCRLVerifySM2), so the TBSCertList and signature are taken out
// and checked with pkeyutl and distid 1234567812345678.
func TestOpenSSLSM2Signature(t *testing.T) {
	h := pkitest.New(t, hsm.SM2)
	rl, err := smx509.ParseRevocationList(buildSample(t, h))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tbs, sig, pub := filepath.Join(dir, "tbs.der"), filepath.Join(dir, "sig.der"), filepath.Join(dir, "pub.pem")
	pubDER, err := smx509.MarshalPKIXPublicKey(h.Issuing.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	for f, b := range map[string][]byte{tbs: rl.RawTBSRevocationList, sig: rl.Signature,
		pub: []byte("-----BEGIN PUBLIC KEY-----\n" + b64lines(pubDER) + "-----END PUBLIC KEY-----\n")} {
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	verify := func(in string) (string, error) {
		return pkitest.OpenSSL(t, "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-digest", "sm3",
			"-pkeyopt", "distid:1234567812345678", "-in", in, "-sigfile", sig)
	}
	if out, err := verify(tbs); err != nil || !strings.Contains(out, "Signature Verified Successfully") {
		t.Fatalf("openssl pkeyutl: %v\n%s", err, out)
	}
	bad := filepath.Join(dir, "bad.der")
	flipped := bytes.Clone(rl.RawTBSRevocationList)
	flipped[len(flipped)-1] ^= 1
	if err := os.WriteFile(bad, flipped, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := verify(bad); err == nil && strings.Contains(out, "Successfully") {
		t.Fatalf("a modified TBSCertList verified:\n%s", out)
	}
}

// TestTimesAfter2049 uses GeneralizedTime from 2050 on (RFC 5280 §5.1.2.4).
func TestTimesAfter2049(t *testing.T) {
	h := pkitest.New(t, hsm.P256)
	this := time.Date(2049, 12, 31, 12, 0, 0, 0, time.UTC)
	revoked := time.Date(2050, 1, 1, 0, 0, 1, 0, time.UTC)
	der, err := Build(Issuer{h.Issuing, h.IssuingKey}, []Entry{{Serial: big.NewInt(9), RevokedAt: revoked}},
		Template{Number: big.NewInt(1), ThisUpdate: this, NextUpdate: this.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(der, []byte{0x17, 13, '4', '9', '1', '2', '3', '1'}) || !bytes.Contains(der, []byte{0x18, 15, '2', '0', '5', '0', '0', '1', '0', '1'}) {
		t.Fatal("thisUpdate not UTCTime or nextUpdate not GeneralizedTime")
	}
	rl, err := smx509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	if !rl.ThisUpdate.Equal(this) || !rl.NextUpdate.Equal(this.Add(24*time.Hour)) || !rl.RevokedCertificateEntries[0].RevocationTime.Equal(revoked) {
		t.Fatalf("times %s %s %s", rl.ThisUpdate, rl.NextUpdate, rl.RevokedCertificateEntries[0].RevocationTime)
	}
}
