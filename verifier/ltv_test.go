package verifier

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms"
	"sihub/certs/tsa"
	"sihub/signer/pades"
)

// testTSA is a time-stamping authority for the tests: its own P-256 root
// and a TSA certificate (id-kp-timeStamping, critical unless lax), tokens
// made the way certs/tsa makes them.
type testTSA struct {
	root, cert *smx509.Certificate
	key        crypto.Signer
	rootKey    *ecdsa.PrivateKey
	now        time.Time
}

func newTestTSA(t testing.TB, now time.Time, critical bool) *testTSA {
	t.Helper()
	rootKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rootTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test TSA root"},
		NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(20, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	rootDER, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	if err != nil {
		t.Fatal(err)
	}
	eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "test TSA"},
		NotBefore: now.AddDate(0, -1, 0), NotAfter: now.AddDate(10, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: critical, Value: eku}}}
	parent, _ := x509.ParseCertificate(rootDER)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), rootKey)
	if err != nil {
		t.Fatal(err)
	}
	a := &testTSA{key: key, rootKey: rootKey, now: now}
	if a.root, err = smx509.ParseCertificate(rootDER); err != nil {
		t.Fatal(err)
	}
	if a.cert, err = smx509.ParseCertificate(der); err != nil {
		t.Fatal(err)
	}
	return a
}

// token returns a TimeStampToken whose imprint is SHA-256 of data.
func (a *testTSA) token(t testing.TB, data []byte) []byte {
	t.Helper()
	sum := sha256.Sum256(data)
	info := &tsa.TSTInfo{Policy: tsa.DefaultPolicy, Hash: tsa.SHA256, HashedMessage: sum[:], SerialNumber: big.NewInt(7),
		GenTime: a.now.UTC().Truncate(time.Millisecond)}
	content, err := info.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cms.SignAttached(content, cms.OIDTSTInfo, cms.SignOptions{Signer: a.key, Certificate: a.cert, OmitSigningTime: true})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// sealedBT seals the rendered certificate with alg and a signature
// timestamp; tamper, if set, changes the bytes the token is made over.
func sealedBT(t testing.TB, a *testTSA, alg string, tamper func([]byte) []byte) []byte {
	t.Helper()
	prep, sealers := renderedPrepared(t, alg)
	sealers[0].TimeStamp = func(sig []byte) ([]byte, error) {
		if tamper != nil {
			sig = tamper(sig)
		}
		return a.token(t, sig), nil
	}
	pdf, err := pades.Seal(prep, sealers)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// fakeRevocation is a RevocationSource with a fixed answer: a registry
// that knows one state for every certificate.
type fakeRevocation struct {
	st    RevocationStatus
	err   error
	calls int
}

func (f *fakeRevocation) Status(_ context.Context, cert, issuer *smx509.Certificate, at time.Time) (RevocationStatus, error) {
	f.calls++
	return f.st, f.err
}

func TestSignatureTimestampLevelBT(t *testing.T) {
	a := newTestTSA(t, testNow.Add(time.Minute), true)
	for _, alg := range []string{"sm2", "p256"} {
		t.Run(alg, func(t *testing.T) {
			pdf := sealedBT(t, a, alg, nil)
			v := newVerifier(t, nil, testNow.Add(time.Hour), testPKI(t, alg).Root, a.root)
			r := v.Verify(context.Background(), pdf)
			if !r.Valid {
				t.Fatalf("not valid: %v\n%s", reasons(r), dump(r))
			}
			s := r.Signatures[0]
			if s.Level != LevelBT || s.Timestamp == nil || !s.Timestamp.Valid || !s.Timestamp.GenTime.Equal(a.now.UTC().Truncate(time.Millisecond)) ||
				!strings.Contains(s.Timestamp.TSA, "test TSA") {
				t.Errorf("level %q, timestamp %+v", s.Level, s.Timestamp)
			}
			if s.Revocation != RevocationNotChecked || s.RevocationSource != "" {
				t.Errorf("revocation %q from %q without DSS or source", s.Revocation, s.RevocationSource)
			}
			if s.SignedAtSource != "timestamp" || !s.SignedAt.Equal(s.Timestamp.GenTime) {
				t.Errorf("signed at %v from %q", s.SignedAt, s.SignedAtSource)
			}

			// the TSA's root not trusted: the timestamp is not valid
			r = expectInvalid(t, newVerifier(t, nil, testNow.Add(time.Hour), testPKI(t, alg).Root), pdf, ReasonTimestampInvalid)
			if r.Signatures[0].Level != LevelBB {
				t.Errorf("level %q with an untrusted timestamp", r.Signatures[0].Level)
			}
		})
	}
}

func TestSignatureTimestampAttacks(t *testing.T) {
	a := newTestTSA(t, testNow.Add(time.Minute), true)
	v := newVerifier(t, nil, testNow.Add(time.Hour), testPKI(t, "p256").Root, a.root)
	t.Run("token over other bytes", func(t *testing.T) {
		pdf := sealedBT(t, a, "p256", func(sig []byte) []byte { return append(append([]byte{}, sig...), 'x') })
		r := expectInvalid(t, v, pdf, ReasonTimestampInvalid)
		if s := r.Signatures[0]; !s.IntegrityValid || s.Timestamp == nil || s.Timestamp.Valid || s.Level != LevelBB {
			t.Errorf("signature %+v", s)
		}
	})
	t.Run("TSA certificate without critical timeStamping", func(t *testing.T) {
		lax := newTestTSA(t, testNow.Add(time.Minute), false)
		pdf := sealedBT(t, lax, "p256", nil)
		r := expectInvalid(t, newVerifier(t, nil, testNow.Add(time.Hour), testPKI(t, "p256").Root, lax.root), pdf, ReasonTimestampInvalid)
		if !strings.Contains(r.Signatures[0].Timestamp.Error, "timeStamping") {
			t.Errorf("timestamp error %q", r.Signatures[0].Timestamp.Error)
		}
	})
	t.Run("DSS revision that also changes a page", func(t *testing.T) {
		pdf := sealedBT(t, a, "p256", nil)
		l := readLayout(t, pdf)
		cat := l.dictText(t, l.root)
		page := l.dictText(t, l.page)
		dss := l.size
		objs := map[int]string{
			dss:     "<< /Type /DSS /Certs [" + itoa(dss+1) + " 0 R] >>",
			dss + 1: stream("", string(a.cert.Raw)),
			l.root:  strings.TrimSuffix(strings.TrimSpace(cat), ">>") + " /DSS " + itoa(dss) + " 0 R >>",
			l.page:  strings.Replace(page, "/MediaBox", "/Rotate 90 /MediaBox", 1),
		}
		r := expectInvalid(t, v, appendRevision(t, pdf, objs), ReasonModifiedAfterSigning)
		if !r.Signatures[0].ModifiedAfterSigning {
			t.Errorf("signature not marked modified:\n%s", dump(r))
		}
		// the same DSS revision without the page change is allowed
		delete(objs, l.page)
		if r := v.Verify(context.Background(), appendRevision(t, pdf, objs)); !r.Valid {
			t.Errorf("DSS-only revision: %v\n%s", reasons(r), dump(r))
		}
	})
}

func TestRevocationSource(t *testing.T) {
	a := newTestTSA(t, testNow.Add(time.Minute), true)
	pdf := sealedBT(t, a, "p256", nil)
	gen := a.now.UTC().Truncate(time.Millisecond)
	roots := []*smx509.Certificate{testPKI(t, "p256").Root, a.root}
	verify := func(src RevocationSource, now time.Time) *Report {
		return New(Options{Roots: roots, Revocation: src, Now: func() time.Time { return now }}).Verify(context.Background(), pdf)
	}
	t.Run("good", func(t *testing.T) {
		src := &fakeRevocation{st: RevocationStatus{State: RevocationGood, Source: RevocationSourceRegistry}}
		r := verify(src, testNow.Add(time.Hour))
		if s := r.Signatures[0]; !r.Valid || s.Revocation != RevocationGood || s.RevocationSource != RevocationSourceRegistry || src.calls != 1 {
			t.Errorf("valid %v, revocation %q from %q, %d calls", r.Valid, s.Revocation, s.RevocationSource, src.calls)
		}
	})
	t.Run("revoked before the timestamp", func(t *testing.T) {
		src := &fakeRevocation{st: RevocationStatus{State: RevocationRevoked, RevokedAt: gen.Add(-time.Minute), Reason: 1, Source: RevocationSourceOnlineOCSP}}
		r := verify(src, testNow.Add(time.Hour))
		if r.Valid || !r.HasReason(ReasonCertRevoked) || r.Signatures[0].Revocation != RevocationRevoked || r.Signatures[0].RevokedAt == nil {
			t.Errorf("valid %v, reasons %v, revocation %q", r.Valid, reasons(r), r.Signatures[0].Revocation)
		}
	})
	t.Run("revoked after the timestamp", func(t *testing.T) {
		src := &fakeRevocation{st: RevocationStatus{State: RevocationRevoked, RevokedAt: gen.Add(time.Minute), Reason: 1, Source: RevocationSourceRegistry}}
		r := verify(src, testNow.Add(time.Hour))
		s := r.Signatures[0]
		if !r.Valid || s.Revocation != RevocationGood || s.RevokedAt == nil || len(s.Notes) == 0 || !strings.Contains(s.Notes[0], "revoked") {
			t.Errorf("valid %v (%v), revocation %q, notes %q", r.Valid, reasons(r), s.Revocation, s.Notes)
		}
	})
	t.Run("source fails", func(t *testing.T) {
		r := verify(&fakeRevocation{err: errors.New("responder down")}, testNow.Add(time.Hour))
		if s := r.Signatures[0]; !r.Valid || s.Revocation != RevocationUnknown {
			t.Errorf("valid %v, revocation %q", r.Valid, s.Revocation)
		}
	})
	t.Run("expired since, timestamp and good status", func(t *testing.T) {
		later := testPKI(t, "p256").Leaf.NotAfter.AddDate(1, 0, 0)
		good := &fakeRevocation{st: RevocationStatus{State: RevocationGood, Source: RevocationSourceRegistry}}
		if r := verify(good, later); !r.Valid || len(r.Signatures[0].Notes) == 0 {
			t.Errorf("years later with proof: valid %v, %v, notes %q", r.Valid, reasons(r), r.Signatures[0].Notes)
		}
		if r := verify(nil, later); r.Valid || !r.HasReason(ReasonCertExpired) {
			t.Errorf("years later without revocation data: valid %v, %v", r.Valid, reasons(r))
		}
		plain := renderedCertificate(t, "p256")
		v := New(Options{Roots: roots, Revocation: good, Now: func() time.Time { return later }})
		if r := v.Verify(context.Background(), plain); r.Valid || !r.HasReason(ReasonCertExpired) {
			t.Errorf("years later without a timestamp: valid %v, %v", r.Valid, reasons(r))
		}
	})
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

// crl returns a CRL of the TSA's root listing revoked (serial → time).
func (a *testTSA) crl(t testing.TB, revoked map[*big.Int]time.Time) []byte {
	t.Helper()
	tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: a.now.Add(-time.Hour), NextUpdate: a.now.Add(24 * time.Hour)}
	for serial, at := range revoked {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{SerialNumber: serial, RevocationTime: at})
	}
	root, err := x509.ParseCertificate(a.root.Raw)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, root, a.rootKey)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestDSSCRLOfTheTSA puts the TSA root's CRL in a DSS: a TSA certificate
// it lists as revoked before the token's time makes the timestamp invalid.
// The documents are verified concurrently by one Verifier (shared caches).
func TestDSSCRLOfTheTSA(t *testing.T) {
	a := newTestTSA(t, testNow.Add(time.Minute), true)
	pdf := sealedBT(t, a, "p256", nil)
	sigs, err := pades.Signatures(pdf)
	if err != nil || len(sigs) != 1 {
		t.Fatalf("signatures: %v", err)
	}
	withCRL := func(crl []byte) []byte {
		out, err := pades.AppendDSS(pdf, []pades.Validation{{Contents: sigs[0].Contents, Certs: [][]byte{a.cert.Raw}, CRLs: [][]byte{crl}}}, testNow)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	good := withCRL(a.crl(t, nil))
	revoked := withCRL(a.crl(t, map[*big.Int]time.Time{a.cert.SerialNumber: a.now.Add(-time.Minute)}))
	v := newVerifier(t, nil, testNow.Add(time.Hour), testPKI(t, "p256").Root, a.root)
	check := func(t testing.TB) {
		r := v.Verify(context.Background(), good)
		s := r.Signatures[0]
		// the DSS holds nothing about the seal certificate: unknown, not an error
		if !r.Valid || s.Level != LevelBT || s.Revocation != RevocationUnknown {
			t.Errorf("good CRL: valid %v %v, level %q, revocation %q", r.Valid, reasons(r), s.Level, s.Revocation)
		}
		r = v.Verify(context.Background(), revoked)
		s = r.Signatures[0]
		if r.Valid || !r.HasReason(ReasonTimestampInvalid) || s.Timestamp == nil || !strings.Contains(s.Timestamp.Error, "revoked") {
			t.Errorf("TSA revoked: valid %v %v, timestamp %+v", r.Valid, reasons(r), s.Timestamp)
		}
	}
	check(t)
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 5; i++ {
				check(t)
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
