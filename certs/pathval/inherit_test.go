package pathval

import (
	"bytes"
	"crypto/dsa" //nolint:staticcheck // legacy DSA paths under test
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

var (
	oidSigDSAWithSHA256   = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 3, 2}
	oidSigECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	dsaTestNow            = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

// dsaGroups are two distinct DSA parameter sets, generated once.
var dsaGroups = sync.OnceValues(func() ([2]dsa.Parameters, error) {
	var g [2]dsa.Parameters
	for i := range g {
		if err := dsa.GenerateParameters(&g[i], rand.Reader, dsa.L1024N160); err != nil {
			return g, err
		}
	}
	return g, nil
})

func dsaKey(t testing.TB, params dsa.Parameters) *dsa.PrivateKey {
	t.Helper()
	k := &dsa.PrivateKey{PublicKey: dsa.PublicKey{Parameters: params}}
	if err := dsa.GenerateKey(k, rand.Reader); err != nil {
		t.Fatal(err)
	}
	return k
}

// testIssuer signs test certificates.
type testIssuer struct {
	name pkix.Name
	ski  []byte
	alg  asn1.ObjectIdentifier
	sign func(tbs []byte) ([]byte, error)
}

func dsaIssuer(name string, k *dsa.PrivateKey) *testIssuer {
	return &testIssuer{
		name: pkix.Name{CommonName: name},
		ski:  keyID(k.Y.Bytes()),
		alg:  oidSigDSAWithSHA256,
		sign: func(tbs []byte) ([]byte, error) {
			h := sha256.Sum256(tbs)
			// FIPS 186-4 §4.6: the leftmost N bits of the hash.
			r, s, err := dsa.Sign(rand.Reader, k, h[:k.Q.BitLen()/8])
			if err != nil {
				return nil, err
			}
			return asn1.Marshal(struct{ R, S *big.Int }{r, s})
		},
	}
}

func keyID(b []byte) []byte { h := sha1.Sum(b); return h[:] }

// dsaSPKI encodes a DSA SubjectPublicKeyInfo, with the domain parameters
// or without them (inherited).
func dsaSPKI(t testing.TB, pub *dsa.PublicKey, withParams bool) []byte {
	t.Helper()
	y, err := asn1.Marshal(pub.Y)
	if err != nil {
		t.Fatal(err)
	}
	alg := pkix.AlgorithmIdentifier{Algorithm: oidPublicKeyDSA}
	if withParams {
		p, err := asn1.Marshal(dssParams{pub.P, pub.Q, pub.G})
		if err != nil {
			t.Fatal(err)
		}
		alg.Parameters = asn1.RawValue{FullBytes: p}
	}
	der, err := asn1.Marshal(struct {
		Alg pkix.AlgorithmIdentifier
		Key asn1.BitString
	}{alg, asn1.BitString{Bytes: y, BitLength: 8 * len(y)}})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// testCert builds a v3 certificate for spki named subject, issued by iss
// (self-issued when iss names subject), and returns its DER and TBS.
func testCert(t testing.TB, serial int64, subject string, spki, ski []byte, ca bool, iss *testIssuer) (der, tbs []byte) {
	t.Helper()
	must := func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var exts []pkix.Extension
	if ca {
		exts = append(exts,
			pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 19}, Critical: true, Value: must(asn1.Marshal(struct{ CA bool }{true}))},
			pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 15}, Critical: true, Value: must(asn1.Marshal(asn1.BitString{Bytes: []byte{0x06}, BitLength: 7}))},
			pkix.Extension{Id: oidSubjectKeyID, Value: must(asn1.Marshal(ski))})
	} else {
		exts = append(exts, pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 15}, Critical: true, Value: must(asn1.Marshal(asn1.BitString{Bytes: []byte{0x80}, BitLength: 1}))})
	}
	if iss.name.CommonName != subject {
		exts = append(exts, pkix.Extension{Id: oidAuthorityKeyID, Value: must(asn1.Marshal(struct {
			ID []byte `asn1:"optional,tag:0"`
		}{iss.ski}))})
	}
	tbs = must(asn1.Marshal(struct {
		Version  int `asn1:"explicit,tag:0"`
		Serial   *big.Int
		SigAlg   pkix.AlgorithmIdentifier
		Issuer   asn1.RawValue
		Validity struct{ NotBefore, NotAfter time.Time }
		Subject  asn1.RawValue
		SPKI     asn1.RawValue
		Exts     []pkix.Extension `asn1:"explicit,tag:3"`
	}{
		Version:  2,
		Serial:   big.NewInt(serial),
		SigAlg:   pkix.AlgorithmIdentifier{Algorithm: iss.alg},
		Issuer:   asn1.RawValue{FullBytes: must(asn1.Marshal(iss.name.ToRDNSequence()))},
		Validity: struct{ NotBefore, NotAfter time.Time }{dsaTestNow.AddDate(-1, 0, 0), dsaTestNow.AddDate(1, 0, 0)},
		Subject:  asn1.RawValue{FullBytes: must(asn1.Marshal(pkix.Name{CommonName: subject}.ToRDNSequence()))},
		SPKI:     asn1.RawValue{FullBytes: spki},
		Exts:     exts,
	}))
	sig := must(iss.sign(tbs))
	der = must(asn1.Marshal(struct {
		TBS    asn1.RawValue
		SigAlg pkix.AlgorithmIdentifier
		Sig    asn1.BitString
	}{asn1.RawValue{FullBytes: tbs}, pkix.AlgorithmIdentifier{Algorithm: iss.alg}, asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}}))
	return der, tbs
}

func mustParse(t testing.TB, der []byte) *smx509.Certificate {
	t.Helper()
	c, err := ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// inheritedFixture: root (group A, parameters in its key) → CA whose key
// inherits them → leaf whose key inherits them from the CA.
type inheritedFixture struct {
	groups            [2]dsa.Parameters
	root, ca          *smx509.Certificate
	caKey, leafKey    *dsa.PrivateKey
	caIss             *testIssuer
	leafDER, leafTBS  []byte
	leafSPKI          []byte
	rootIss, otherIss *testIssuer // otherIss: the root's name, group B
	otherRoot         *smx509.Certificate
}

func newInheritedFixture(t testing.TB) *inheritedFixture {
	t.Helper()
	g, err := dsaGroups()
	if err != nil {
		t.Fatal(err)
	}
	f := &inheritedFixture{groups: g}
	rootKey, otherKey := dsaKey(t, g[0]), dsaKey(t, g[1])
	f.rootIss = dsaIssuer("DSA Root", rootKey)
	rootDER, _ := testCert(t, 1, "DSA Root", dsaSPKI(t, &rootKey.PublicKey, true), f.rootIss.ski, true, f.rootIss)
	f.root = mustParse(t, rootDER)
	f.otherIss = dsaIssuer("DSA Root", otherKey)
	otherDER, _ := testCert(t, 2, "DSA Root", dsaSPKI(t, &otherKey.PublicKey, true), f.otherIss.ski, true, f.otherIss)
	f.otherRoot = mustParse(t, otherDER)

	f.caKey = dsaKey(t, g[0])
	f.caIss = dsaIssuer("DSA Inherited CA", f.caKey)
	caDER, _ := testCert(t, 3, "DSA Inherited CA", dsaSPKI(t, &f.caKey.PublicKey, false), f.caIss.ski, true, f.rootIss)
	f.ca = mustParse(t, caDER)

	f.leafKey = dsaKey(t, g[0])
	f.leafSPKI = dsaSPKI(t, &f.leafKey.PublicKey, false)
	f.leafDER, f.leafTBS = testCert(t, 4, "DSA Leaf", f.leafSPKI, nil, false, f.caIss)
	return f
}

func (f *inheritedFixture) opts() Options {
	return Options{Roots: []*smx509.Certificate{f.root}, Intermediates: []*smx509.Certificate{f.ca}, CurrentTime: dsaTestNow, AllowDSA: true}
}

func TestParseCertificateInheritedDSA(t *testing.T) {
	f := newInheritedFixture(t)
	if _, err := smx509.ParseCertificate(f.leafDER); err == nil {
		t.Fatal("smx509 parses a DSA key without parameters; ParseCertificate's fallback is not exercised")
	}
	c := mustParse(t, f.leafDER)
	if !bytes.Equal(c.Raw, f.leafDER) || !bytes.Equal(c.RawTBSCertificate, f.leafTBS) || !bytes.Equal(c.RawSubjectPublicKeyInfo, f.leafSPKI) {
		t.Fatal("the parsed certificate does not keep its DER as read")
	}
	k, ok := c.PublicKey.(*dsa.PublicKey)
	if !ok || k.Y.Cmp(f.leafKey.Y) != 0 || k.P != nil || k.Q != nil || k.G != nil {
		t.Fatalf("public key %#v: want Y only", c.PublicKey)
	}
	if c.Subject.CommonName != "DSA Leaf" || c.SerialNumber.Int64() != 4 {
		t.Fatalf("fields not parsed: %s serial %s", c.Subject, c.SerialNumber)
	}
	if _, err := ParseCertificate(f.leafDER[:len(f.leafDER)-1]); !errors.Is(err, ErrParse) {
		t.Fatalf("truncated certificate: %v, want ErrParse", err)
	}
	if _, err := ParseCertificate(make([]byte, MaxCertificateSize+1)); !errors.Is(err, ErrParse) {
		t.Fatalf("oversized input: %v, want ErrParse", err)
	}
}

func TestVerifyInheritedDSAParameters(t *testing.T) {
	f := newInheritedFixture(t)
	leaf := mustParse(t, f.leafDER)
	res, err := Verify(leaf, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Chain) != 3 || !res.Chain[0].Equal(leaf) || !res.Chain[1].Equal(f.ca) || !res.Chain[2].Equal(f.root) {
		t.Fatalf("chain of %d", len(res.Chain))
	}
	for i, want := range []*dsa.PrivateKey{f.leafKey, f.caKey} {
		k, ok := res.Chain[i].PublicKey.(*dsa.PublicKey)
		if !ok || k.Y.Cmp(want.Y) != 0 || k.P == nil || k.P.Cmp(f.groups[0].P) != 0 || k.Q.Cmp(f.groups[0].Q) != 0 || k.G.Cmp(f.groups[0].G) != 0 {
			t.Fatalf("certificate %d of the result does not carry the completed key", i)
		}
	}
	if k := leaf.PublicKey.(*dsa.PublicKey); k.P != nil {
		t.Fatal("Verify changed the caller's certificate")
	}

	o := f.opts()
	o.AllowDSA = false
	if _, err := Verify(leaf, o); err == nil || !strings.Contains(err.Error(), "DSA keys are not accepted") {
		t.Fatalf("without AllowDSA: %v, want DSA refused", err)
	}
}

// TestVerifyInheritedDSASignatures: the signatures by and of a key that
// inherits its parameters are checked over the bytes as read.
func TestVerifyInheritedDSASignatures(t *testing.T) {
	f := newInheritedFixture(t)
	// A subject byte changed after signing.
	tampered := bytes.Replace(f.leafDER, []byte("DSA Leaf"), []byte("DSA Leag"), 1)
	if bytes.Equal(tampered, f.leafDER) {
		t.Fatal("subject not found")
	}
	if _, err := Verify(mustParse(t, tampered), f.opts()); !errors.Is(err, ReasonSignature) {
		t.Fatalf("tampered leaf: %v, want %v", err, ReasonSignature)
	}
	// The leaf signed by another key of the same group in the CA's name:
	// the CA's completed key must refuse it.
	forger := dsaIssuer("DSA Inherited CA", dsaKey(t, f.groups[0]))
	forger.ski = f.caIss.ski
	forged, _ := testCert(t, 4, "DSA Leaf", f.leafSPKI, nil, false, forger)
	if _, err := Verify(mustParse(t, forged), f.opts()); !errors.Is(err, ReasonSignature) {
		t.Fatalf("leaf not signed by the CA: %v, want %v", err, ReasonSignature)
	}
	// The CA itself signed by a key other than the root's.
	caForged, _ := testCert(t, 3, "DSA Inherited CA", dsaSPKI(t, &f.caKey.PublicKey, false), f.caIss.ski, true, f.otherIss)
	o := f.opts()
	o.Intermediates = []*smx509.Certificate{mustParse(t, caForged)}
	if _, err := Verify(mustParse(t, f.leafDER), o); !errors.Is(err, ReasonSignature) {
		t.Fatalf("CA not signed by the root: %v, want %v", err, ReasonSignature)
	}
}

// TestVerifyInheritedDSAWrongParameters: the same key under an issuer of
// another group is invalid, though every signature verifies.
func TestVerifyInheritedDSAWrongParameters(t *testing.T) {
	f := newInheritedFixture(t)
	cases := []struct {
		group     string
		params    dsa.Parameters
		root      *testIssuer
		rootCert  *smx509.Certificate
		wantValid bool
	}{
		{"A", f.groups[0], f.rootIss, f.root, true},
		{"B", f.groups[1], f.otherIss, f.otherRoot, false},
	}
	for _, tc := range cases {
		// An issuing CA whose key has parameters signs a leaf whose key,
		// from group A, inherits them.
		k := dsaKey(t, tc.params)
		iss := dsaIssuer("DSA Issuing CA", k)
		caDER, _ := testCert(t, 5, "DSA Issuing CA", dsaSPKI(t, &k.PublicKey, true), iss.ski, true, tc.root)
		leafDER, _ := testCert(t, 6, "DSA Leaf", f.leafSPKI, nil, false, iss)
		o := Options{Roots: []*smx509.Certificate{tc.rootCert}, Intermediates: []*smx509.Certificate{mustParse(t, caDER)}, CurrentTime: dsaTestNow, AllowDSA: true}
		_, err := Verify(mustParse(t, leafDER), o)
		if tc.wantValid && err != nil {
			t.Fatalf("issuer of the key's group %s: %v", tc.group, err)
		}
		if !tc.wantValid && (!errors.Is(err, ReasonMalformed) || !strings.Contains(err.Error(), "not in the group")) {
			t.Fatalf("issuer of group %s: %v, want %v (key not in the group)", tc.group, err, ReasonMalformed)
		}
	}
}

// TestVerifyInheritedDSANonDSAIssuer: parameters cannot be inherited from
// an ECDSA key.
func TestVerifyInheritedDSANonDSAIssuer(t *testing.T) {
	f := newInheritedFixture(t)
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	spki, err := x509.MarshalPKIXPublicKey(&ek.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	iss := &testIssuer{name: pkix.Name{CommonName: "EC Root"}, ski: keyID(spki), alg: oidSigECDSAWithSHA256,
		sign: func(tbs []byte) ([]byte, error) {
			h := sha256.Sum256(tbs)
			return ecdsa.SignASN1(rand.Reader, ek, h[:])
		}}
	rootDER, _ := testCert(t, 7, "EC Root", spki, iss.ski, true, iss)
	leafDER, _ := testCert(t, 8, "DSA Leaf", f.leafSPKI, nil, false, iss)
	_, err = Verify(mustParse(t, leafDER), Options{Roots: []*smx509.Certificate{mustParse(t, rootDER)}, CurrentTime: dsaTestNow, AllowDSA: true})
	if !errors.Is(err, ReasonMalformed) || !strings.Contains(err.Error(), "not a DSA key") {
		t.Fatalf("%v, want %v (issuer's key not DSA)", err, ReasonMalformed)
	}
}
