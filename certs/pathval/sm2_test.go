package pathval

import (
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emmansun/gmsm/pkcs7"
	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/cms/cmstest"
	"sihub/internal/testutil"
)

func readPEMCerts(t *testing.T, path string) []*smx509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []*smx509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := smx509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no certificates", path)
	}
	return out
}

// inside returns a time inside every certificate's validity period.
func inside(t *testing.T, certs ...*smx509.Certificate) time.Time {
	t.Helper()
	var at time.Time
	for _, c := range certs {
		if c.NotBefore.After(at) {
			at = c.NotBefore
		}
	}
	at = at.Add(time.Second)
	for _, c := range certs {
		if at.After(c.NotAfter) {
			t.Fatalf("no common validity period (%s ends %s)", c.Subject, c.NotAfter)
		}
	}
	return at
}

// TestSM2Corpus validates the SM2 chains published by Tongsuo and GmSSL
// (via gmsm) with SM2-with-SM3 signatures under the default signer ID.
func TestSM2Corpus(t *testing.T) {
	dir := testutil.Corpora(t, "crypto", "sm")
	ts := func(name string) string { return filepath.Join(dir, "tongsuo", "certs", name) }
	root := readPEMCerts(t, ts("sm2-root-cert.pem"))
	tlcp := readPEMCerts(t, ts("sm2/chain-ca.crt"))
	alipay := readPEMCerts(t, ts("sm2-chain-ca.crt"))
	cases := []struct {
		name          string
		leaf          *smx509.Certificate
		roots, inter  []*smx509.Certificate
		wantChainSize int
	}{
		{"tongsuo sm2-cert", readPEMCerts(t, ts("sm2-cert.pem"))[0], root, nil, 2},
		{"tongsuo sm2-first-crt", readPEMCerts(t, ts("sm2-first-crt.pem"))[0], root, nil, 2},
		{"tongsuo sm2-leaf", readPEMCerts(t, ts("sm2-leaf.crt"))[0], alipay[1:], alipay[:1], 3},
		{"tongsuo TLCP server_sign", readPEMCerts(t, ts("sm2/server_sign.crt"))[0], tlcp[:1], tlcp[1:], 3},
		{"tongsuo TLCP server_enc", readPEMCerts(t, ts("sm2/server_enc.crt"))[0], tlcp[:1], tlcp[1:], 3},
		{"tongsuo TLCP client_sign", readPEMCerts(t, ts("sm2/client_sign.crt"))[0], tlcp[:1], tlcp[1:], 3},
		{"tongsuo TLCP client_enc", readPEMCerts(t, ts("sm2/client_enc.crt"))[0], tlcp[:1], tlcp[1:], 3},
	}
	p7, err := os.ReadFile(filepath.Join(dir, "gmsm", "gmssl-cn-sm2-certs-only.p7.pem"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(p7)
	if b == nil {
		t.Fatal("gmssl-cn-sm2-certs-only.p7.pem: no PEM block")
	}
	msg, err := pkcs7.Parse(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	var gmRoot, gmMiddle *smx509.Certificate
	for _, c := range msg.Certificates {
		if c.Subject.CommonName == "RootCA for Test" {
			gmRoot = c
		} else {
			gmMiddle = c
		}
	}
	if gmRoot == nil || gmMiddle == nil {
		t.Fatal("GmSSL certs-only message lacks its root or middle CA")
	}
	cases = append(cases, struct {
		name          string
		leaf          *smx509.Certificate
		roots, inter  []*smx509.Certificate
		wantChainSize int
	}{"gmssl MiddleCA", gmMiddle, []*smx509.Certificate{gmRoot}, nil, 2})
	for _, tc := range cases {
		all := append(append([]*smx509.Certificate{tc.leaf}, tc.roots...), tc.inter...)
		res, err := Verify(tc.leaf, Options{Roots: tc.roots, Intermediates: tc.inter, CurrentTime: inside(t, all...)})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(res.Chain) != tc.wantChainSize {
			t.Errorf("%s: chain of %d, want %d", tc.name, len(res.Chain), tc.wantChainSize)
		}
		// The same leaf is not valid against an unrelated SM2 root.
		if _, err := Verify(tc.leaf, Options{Roots: []*smx509.Certificate{gmRoot}, Intermediates: tc.inter, CurrentTime: inside(t, all...)}); tc.roots[0] != gmRoot && !errors.Is(err, ReasonNoPath) {
			t.Errorf("%s against the GmSSL root: %v, want no path", tc.name, err)
		}
	}

	// Tongsuo's no-ZA root is signed without the signer ID in the digest,
	// so its self-signature fails under the default signer ID.
	noza := readPEMCerts(t, ts("sm2-noza-root-cert.pem"))[0]
	if err := checkSignature(noza, noza.SignatureAlgorithm, noza.RawTBSCertificate, noza.Signature, false); err == nil {
		t.Error("the no-ZA root's signature verified under the default SM2 signer ID")
	}
	if err := checkSignature(root[0], root[0].SignatureAlgorithm, root[0].RawTBSCertificate, root[0].Signature, false); err != nil {
		t.Errorf("Tongsuo SM2 root self-signature: %v", err)
	}
}

// TestGeneratedChains validates the three-certificate chains the project
// issues for SM2 and P-256 and checks the reasons for the failures.
func TestGeneratedChains(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, alg := range []string{"sm2", "p256"} {
		t.Run(alg, func(t *testing.T) {
			p, err := cmstest.New(alg, now)
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Roots: []*smx509.Certificate{p.Root}, Intermediates: p.Chain(), CurrentTime: now,
				KeyUsages: smx509.KeyUsageDigitalSignature}
			res, err := Verify(p.Leaf, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Chain) != 3 || res.Chain[0] != p.Leaf || res.Chain[1] != p.Intermediate || res.Chain[2] != p.Root {
				t.Fatalf("chain %v", res.Chain)
			}

			later := opts
			later.CurrentTime = now.Add(2 * 365 * 24 * time.Hour)
			if _, err := Verify(p.Leaf, later); !errors.Is(err, ReasonExpired) {
				t.Errorf("two years later: %v, want expired", err)
			}
			missing := opts
			missing.Intermediates = nil
			if _, err := Verify(p.Leaf, missing); !errors.Is(err, ReasonNoPath) {
				t.Errorf("without the intermediate: %v, want no path", err)
			}
			tampered := *p.Leaf
			tampered.Signature = append([]byte(nil), p.Leaf.Signature...)
			tampered.Signature[len(tampered.Signature)-3] ^= 1
			if _, err := Verify(&tampered, opts); !errors.Is(err, ReasonSignature) {
				t.Errorf("tampered signature: %v, want bad signature", err)
			}
			ku := opts
			ku.KeyUsages = smx509.KeyUsageKeyEncipherment
			if _, err := Verify(p.Leaf, ku); !errors.Is(err, ReasonKeyUsage) {
				t.Errorf("keyEncipherment requested: %v, want key usage", err)
			}
			// A second leaf from the same CA validates with anyExtendedKeyUsage requested.
			sub, err := p.NewLeaf("not a CA", p.LeafKey)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Verify(sub, Options{Roots: []*smx509.Certificate{p.Root}, Intermediates: []*smx509.Certificate{p.Intermediate}, CurrentTime: now, EKUs: []asn1.ObjectIdentifier{OIDAnyExtKeyUsage}}); err != nil {
				t.Errorf("second leaf: %v", err)
			}
			crl := opts
			crl.CRLs = []*smx509.RevocationList{}
			if _, err := Verify(p.Leaf, crl); !errors.Is(err, ReasonRevocationUnknown) {
				t.Errorf("revocation on without CRLs: %v, want revocation unknown", err)
			}
		})
	}
}
