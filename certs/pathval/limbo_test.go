package pathval

import (
	"compress/gzip"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/internal/testutil"
)

type limboCase struct {
	ID                     string   `json:"id"`
	Features               []string `json:"features"`
	ValidationKind         string   `json:"validation_kind"`
	TrustedCerts           []string `json:"trusted_certs"`
	UntrustedIntermediates []string `json:"untrusted_intermediates"`
	PeerCertificate        string   `json:"peer_certificate"`
	ValidationTime         *string  `json:"validation_time"`
	SignatureAlgorithms    []string `json:"signature_algorithms"`
	KeyUsage               []string `json:"key_usage"`
	ExtendedKeyUsage       []string `json:"extended_key_usage"`
	ExpectedResult         string   `json:"expected_result"`
	ExpectedPeerName       *struct {
		Kind  string `json:"kind"`
		Value string `json:"value"`
	} `json:"expected_peer_name"`
	MaxChainDepth *int     `json:"max_chain_depth"`
	CRLs          []string `json:"crls"`
}

var limboKeyUsage = map[string]x509.KeyUsage{
	"digitalSignature": x509.KeyUsageDigitalSignature, "contentCommitment": x509.KeyUsageContentCommitment,
	"keyEncipherment": x509.KeyUsageKeyEncipherment, "dataEncipherment": x509.KeyUsageDataEncipherment,
	"keyAgreement": x509.KeyUsageKeyAgreement, "keyCertSign": x509.KeyUsageCertSign,
	"cRLSign": x509.KeyUsageCRLSign, "encipherOnly": x509.KeyUsageEncipherOnly, "decipherOnly": x509.KeyUsageDecipherOnly,
}

var limboEKU = map[string]struct {
	oid asn1.ObjectIdentifier
	go_ x509.ExtKeyUsage
}{
	"anyExtendedKeyUsage": {OIDAnyExtKeyUsage, x509.ExtKeyUsageAny},
	"serverAuth":          {OIDServerAuth, x509.ExtKeyUsageServerAuth},
	"clientAuth":          {OIDClientAuth, x509.ExtKeyUsageClientAuth},
	"codeSigning":         {asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 3}, x509.ExtKeyUsageCodeSigning},
	"emailProtection":     {asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 4}, x509.ExtKeyUsageEmailProtection},
	"timeStamping":        {asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}, x509.ExtKeyUsageTimeStamping},
	"OCSPSigning":         {asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 9}, x509.ExtKeyUsageOCSPSigning},
}

func pemBlocks(s string) [][]byte {
	var out [][]byte
	rest := []byte(s)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return out
		}
		out = append(out, b.Bytes)
	}
}

// limboOutcome is one validator's answer on one case.
type limboOutcome struct {
	ok     bool
	detail string
}

func runOurs(tc *limboCase, now time.Time) limboOutcome {
	parse := func(list []string) ([]*smx509.Certificate, error) {
		var out []*smx509.Certificate
		for _, p := range list {
			for _, der := range pemBlocks(p) {
				c, err := smx509.ParseCertificate(der)
				if err != nil {
					return nil, err
				}
				out = append(out, c)
			}
		}
		return out, nil
	}
	roots, err := parse(tc.TrustedCerts)
	if err != nil {
		return limboOutcome{false, "root: " + err.Error()}
	}
	inter, err := parse(tc.UntrustedIntermediates)
	if err != nil {
		return limboOutcome{false, "intermediate: " + err.Error()}
	}
	leafs, err := parse([]string{tc.PeerCertificate})
	if err != nil || len(leafs) != 1 {
		return limboOutcome{false, fmt.Sprintf("leaf: %v", err)}
	}
	opts := Options{Roots: roots, Intermediates: inter, CurrentTime: now}
	for _, k := range tc.KeyUsage {
		opts.KeyUsages |= limboKeyUsage[k]
	}
	for _, e := range tc.ExtendedKeyUsage {
		opts.EKUs = append(opts.EKUs, limboEKU[e].oid)
	}
	if len(opts.EKUs) == 0 {
		if tc.ValidationKind == "CLIENT" {
			opts.EKUs = []asn1.ObjectIdentifier{OIDClientAuth}
		} else {
			opts.EKUs = []asn1.ObjectIdentifier{OIDServerAuth}
		}
	}
	if tc.MaxChainDepth != nil {
		opts.MaxDepth = *tc.MaxChainDepth + 1
	}
	if tc.ExpectedPeerName != nil {
		opts.PeerName = tc.ExpectedPeerName.Value
	}
	if _, err := Verify(leafs[0], opts); err != nil {
		return limboOutcome{false, err.Error()}
	}
	return limboOutcome{true, ""}
}

func runGo(tc *limboCase, now time.Time) limboOutcome {
	parse := func(list []string, pool *x509.CertPool) ([]*x509.Certificate, error) {
		var out []*x509.Certificate
		for _, p := range list {
			for _, der := range pemBlocks(p) {
				c, err := x509.ParseCertificate(der)
				if err != nil {
					return nil, err
				}
				if pool != nil {
					pool.AddCert(c)
				}
				out = append(out, c)
			}
		}
		return out, nil
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	if _, err := parse(tc.TrustedCerts, roots); err != nil {
		return limboOutcome{false, err.Error()}
	}
	if _, err := parse(tc.UntrustedIntermediates, inter); err != nil {
		return limboOutcome{false, err.Error()}
	}
	leafs, err := parse([]string{tc.PeerCertificate}, nil)
	if err != nil || len(leafs) != 1 {
		return limboOutcome{false, fmt.Sprint(err)}
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now}
	for _, e := range tc.ExtendedKeyUsage {
		opts.KeyUsages = append(opts.KeyUsages, limboEKU[e].go_)
	}
	if len(opts.KeyUsages) == 0 && tc.ValidationKind == "CLIENT" {
		opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	if tc.ExpectedPeerName != nil {
		opts.DNSName = tc.ExpectedPeerName.Value
	}
	chains, err := leafs[0].Verify(opts)
	if err != nil {
		return limboOutcome{false, err.Error()}
	}
	for _, ch := range chains {
		if tc.MaxChainDepth == nil || len(ch)-2 <= *tc.MaxChainDepth {
			if len(tc.KeyUsage) > 0 {
				var want x509.KeyUsage
				for _, k := range tc.KeyUsage {
					want |= limboKeyUsage[k]
				}
				if leafs[0].KeyUsage != 0 && leafs[0].KeyUsage&want != want {
					return limboOutcome{false, "key usage"}
				}
			}
			return limboOutcome{true, ""}
		}
	}
	return limboOutcome{false, "chain deeper than max_chain_depth"}
}

// TestLimbo runs every x509-limbo case through this validator and through
// crypto/x509, requires this validator to agree with the expected result at
// least as often as crypto/x509 does, and requires every case where it
// disagrees to be listed with a reason in testdata/limbo-disagreements.txt
// (and every listed case to still disagree).
func TestLimbo(t *testing.T) {
	path := filepath.Join(testutil.Corpora(t, "x509", "limbo"), "limbo-public.json.gz")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Testcases []limboCase `json:"testcases"`
	}
	if err := json.NewDecoder(zr).Decode(&suite); err != nil {
		t.Fatal(err)
	}
	listed := readReasons(t, "testdata/limbo-disagreements.txt")
	var ours, goPass int
	var unlisted []string
	seen := map[string]bool{}
	for i := range suite.Testcases {
		tc := &suite.Testcases[i]
		now := time.Now()
		if tc.ValidationTime != nil {
			if now, err = time.Parse(time.RFC3339, *tc.ValidationTime); err != nil {
				t.Fatalf("%s: %v", tc.ID, err)
			}
		}
		want := tc.ExpectedResult == "SUCCESS"
		o := runOurs(tc, now)
		g := runGo(tc, now)
		if g.ok == want {
			goPass++
		}
		if o.ok == want {
			ours++
			if _, ok := listed[tc.ID]; ok {
				t.Errorf("%s is listed as a disagreement but now comes out as expected", tc.ID)
			}
			continue
		}
		seen[tc.ID] = true
		if _, ok := listed[tc.ID]; !ok {
			unlisted = append(unlisted, fmt.Sprintf("%s\twant %s, got ok=%v %s (Go ok=%v)", tc.ID, tc.ExpectedResult, o.ok, o.detail, g.ok))
		}
	}
	sort.Strings(unlisted)
	if len(unlisted) > 0 {
		t.Errorf("%d disagreements not listed in testdata/limbo-disagreements.txt:\n%s", len(unlisted), strings.Join(unlisted, "\n"))
	}
	for id := range listed {
		if !seen[id] && !strings.HasPrefix(id, "#") {
			if _, ok := listed[id]; ok && !containsCase(suite.Testcases, id) {
				t.Errorf("%s is listed but not in the suite", id)
			}
		}
	}
	t.Logf("limbo: %d cases; pathval %d as expected, crypto/x509 %d", len(suite.Testcases), ours, goPass)
	if ours < goPass {
		t.Errorf("pathval agrees with limbo on %d cases, fewer than crypto/x509's %d", ours, goPass)
	}
}

func containsCase(cases []limboCase, id string) bool {
	for i := range cases {
		if cases[i].ID == id {
			return true
		}
	}
	return false
}
