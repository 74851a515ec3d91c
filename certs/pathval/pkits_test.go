package pathval

import (
	"encoding/asn1"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/internal/testutil"
)

type pkitsVector struct {
	Name                        string
	CertPath                    []string
	CRLPath                     []string
	ShouldValidate              bool
	InitialPolicySet            []string
	InitialPolicyMappingInhibit bool
	InitialExplicitPolicy       bool
	InitialAnyPolicyInhibit     bool
}

// pkitsPolicy maps the PKITS policy names to OIDs.
func pkitsPolicy(t *testing.T, name string) asn1.ObjectIdentifier {
	if name == "anyPolicy" {
		return OIDAnyPolicy
	}
	if n, ok := strings.CutPrefix(name, "NIST-test-policy-"); ok {
		i, err := strconv.Atoi(n)
		if err != nil {
			t.Fatalf("policy %q", name)
		}
		return asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 2, 1, 48, i}
	}
	t.Fatalf("unknown PKITS policy %q", name)
	return nil
}

// TestPKITS runs every NIST PKITS case in the corpus (those listed in
// testdata/pkits-unsupported.txt must still fail, so the list stays true): the path is handed
// over as roots (the first certificate), intermediates and leaf; the path
// builder must find it, and the outcome must equal ShouldValidate.
func TestPKITS(t *testing.T) {
	dir := testutil.Corpora(t, "x509", "pkits")
	data, err := os.ReadFile(filepath.Join(dir, "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vectors []pkitsVector
	if err := json.Unmarshal(data, &vectors); err != nil {
		t.Fatal(err)
	}
	if len(vectors) < 200 {
		t.Fatalf("only %d PKITS vectors", len(vectors))
	}
	unsupported := readReasons(t, "testdata/pkits-unsupported.txt")
	passed := 0
	for _, vec := range vectors {
		_, listed := unsupported[vec.Name]
		var certs []*smx509.Certificate
		for _, name := range vec.CertPath {
			der, err := os.ReadFile(filepath.Join(dir, "certs", name))
			if err != nil {
				t.Fatal(err)
			}
			c, err := ParseCertificate(der)
			if err != nil {
				if !listed {
					t.Errorf("%s: %s: %v", vec.Name, name, err)
				}
				continue
			}
			certs = append(certs, c)
		}
		if len(certs) != len(vec.CertPath) {
			if !listed {
				t.Errorf("%s: certificates did not parse", vec.Name)
			}
			continue
		}
		crls := []*smx509.RevocationList{}
		for _, name := range vec.CRLPath {
			der, err := os.ReadFile(filepath.Join(dir, "crls", name))
			if err != nil {
				t.Fatal(err)
			}
			crl, err := smx509.ParseRevocationList(der)
			if err != nil {
				t.Errorf("%s: %s: %v", vec.Name, name, err)
				continue
			}
			crls = append(crls, crl)
		}
		if len(crls) != len(vec.CRLPath) {
			continue
		}
		opts := Options{
			Roots:                 certs[:1],
			Intermediates:         certs[1 : len(certs)-1],
			CurrentTime:           time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
			CRLs:                  crls,
			AllowDSA:              true,
			AllowSHA1:             true, // only the DSA cases (4.1.4-4.1.6) use SHA-1
			RequireExplicitPolicy: vec.InitialExplicitPolicy,
			InhibitPolicyMapping:  vec.InitialPolicyMappingInhibit,
			InhibitAnyPolicy:      vec.InitialAnyPolicyInhibit,
		}
		for _, p := range vec.InitialPolicySet {
			opts.InitialPolicies = append(opts.InitialPolicies, pkitsPolicy(t, p))
		}
		res, err := Verify(certs[len(certs)-1], opts)
		if listed {
			if (err == nil) == vec.ShouldValidate {
				t.Errorf("%s is listed as unsupported but comes out as expected", vec.Name)
			}
			continue
		}
		switch {
		case vec.ShouldValidate && err != nil:
			t.Errorf("%s: want valid, got %v", vec.Name, err)
		case !vec.ShouldValidate && err == nil:
			t.Errorf("%s: want invalid, got a path of %d", vec.Name, len(res.Chain))
		case err != nil && !errors.As(err, new(*Error)):
			t.Errorf("%s: error %v is not a *pathval.Error", vec.Name, err)
		default:
			passed++
		}
	}
	t.Logf("PKITS: %d of %d cases as expected, %d listed as unsupported", passed, len(vectors), len(unsupported))
}

// readReasons reads a name<TAB>reason list; # starts a comment.
func readReasons(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, ok := strings.Cut(line, "\t")
		if !ok || reason == "" {
			t.Fatalf("%s: line %q has no reason", path, line)
		}
		out[name] = reason
	}
	return out
}
