package verifier

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms/cmstest"
)

// TestKeyUsage signs with a leaf whose certificate allows only key
// encipherment, issued directly by a root.
func TestKeyUsage(t *testing.T) {
	rootKey, err := cmstest.GenerateKey("p256")
	if err != nil {
		t.Fatal(err)
	}
	rootTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "key usage test root"},
		NotBefore: testNow.Add(-time.Hour), NotAfter: testNow.Add(time.Hour * 24),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	rootDER, err := smx509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	if err != nil {
		t.Fatal(err)
	}
	root, err := smx509.ParseCertificate(rootDER)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		usage x509.KeyUsage
		ok    bool
	}{{x509.KeyUsageKeyEncipherment, false}, {x509.KeyUsageContentCommitment, true}, {x509.KeyUsageDigitalSignature, true}} {
		leafKey, err := cmstest.GenerateKey("p256")
		if err != nil {
			t.Fatal(err)
		}
		leafTmpl := &x509.Certificate{
			SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "key usage test leaf"},
			NotBefore: testNow.Add(-time.Hour), NotAfter: testNow.Add(time.Hour * 24), KeyUsage: c.usage,
		}
		leafDER, err := smx509.CreateCertificate(rand.Reader, leafTmpl, root.ToX509(), leafKey.Public(), rootKey)
		if err != nil {
			t.Fatal(err)
		}
		leaf, err := smx509.ParseCertificate(leafDER)
		if err != nil {
			t.Fatal(err)
		}
		pdf := fill(t, buildUnsigned(t, testDoc{}, testNow), signer{key: leafKey, cert: leaf}, testNow)
		v := newVerifier(t, nil, testNow, root)
		if c.ok {
			if r := v.Verify(t.Context(), pdf); !r.Valid {
				t.Errorf("usage %v: not valid: %v", c.usage, reasons(r))
			}
			continue
		}
		expectInvalid(t, v, pdf, ReasonKeyUsageInvalid)
	}
}
