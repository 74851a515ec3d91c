package certs

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/hsm"
	"sihub/hsm/soft"
	"sihub/model"
)

func cfgAt(t time.Time) Config {
	c := testConfig()
	c.Now = func() time.Time { return t }
	return c
}

func parseRec(t *testing.T, rec model.Certificate) *smx509.Certificate {
	t.Helper()
	c, err := smx509.ParseCertificate(rec.DER)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCreateCA(t *testing.T) {
	p, st, keys := ensure(t)
	defer p.Close()
	ctx := context.Background()
	cfg := cfgAt(testNow.Add(time.Hour))
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		t.Run(string(alg), func(t *testing.T) {
			root, err := CreateCA(ctx, p.Keyring(), st, cfg, CARequest{Alg: alg, Role: model.RoleRoot, Label: "第二根CA " + string(alg), Years: 25})
			if err != nil {
				t.Fatalf("CreateCA root: %v", err)
			}
			rc := parseRec(t, root)
			if root.Role != model.RoleRoot || root.Alg != string(alg) || root.IssuerSerial != "" || root.KeyURI != "" ||
				rc.Subject.CommonName != "第二根CA "+string(alg) || !rc.NotAfter.Equal(rc.NotBefore.AddDate(25, 0, 0)) {
				t.Fatalf("root record %+v / %s %s–%s", root, rc.Subject, rc.NotBefore, rc.NotAfter)
			}
			if err := rc.CheckSignatureFrom(rc); err != nil {
				t.Fatalf("root not self-signed: %v", err)
			}
			if err := Lint((*x509.Certificate)(rc), nil, Profile{Role: model.RoleRoot, Validity: Period{Years: 25}, IsCA: true, PathLen: 1,
				KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}); err != nil {
				t.Fatal(err)
			}
			iss, err := CreateCA(ctx, p.Keyring(), st, cfg, CARequest{Alg: alg, Role: model.RoleIssuing, ParentSerial: root.Serial})
			if err != nil {
				t.Fatalf("CreateCA issuing: %v", err)
			}
			ic := parseRec(t, iss)
			if iss.IssuerSerial != root.Serial || iss.Role != model.RoleIssuing {
				t.Fatalf("issuing record %+v", iss)
			}
			if err := Lint((*x509.Certificate)(ic), (*x509.Certificate)(rc), IssuingProfile); err != nil {
				t.Fatal(err)
			}
			// The key is the backend's: it signs what the certificate names.
			k, err := keys.Find(ctx, iss.KeyID)
			if err != nil || !publicKeysEqual(k.Public(), ic.PublicKey) {
				t.Fatalf("issuing key %s: %v", iss.KeyID, err)
			}
			leafKey, _ := keys.Generate(ctx, alg, "leaf")
			leaf, err := Issue(Request{Profile: SealProfile, Subject: pkix.Name{CommonName: "章"}, PublicKey: leafKey.Public(),
				Issuer: ic, IssuerKey: k, Now: cfg.Now(), PublicURL: cfg.PublicURL})
			if err != nil {
				t.Fatal(err)
			}
			roots, inter := smx509.NewCertPool(), smx509.NewCertPool()
			roots.AddCert(rc)
			inter.AddCert(ic)
			if _, err := leaf.Verify(smx509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: cfg.Now(),
				KeyUsages: []smx509.ExtKeyUsage{smx509.ExtKeyUsageAny}}); err != nil {
				t.Fatalf("a certificate signed by the new issuing CA does not chain: %v", err)
			}
		})
	}
}

// An issuing CA under a root with less than the default ten years left
// ends within the root's validity instead of being refused.
func TestCreateCAFitsUnderItsRoot(t *testing.T) {
	p, st, _ := ensure(t)
	defer p.Close()
	ctx := context.Background()
	cfg := cfgAt(testNow.Add(time.Hour))
	root, err := CreateCA(ctx, p.Keyring(), st, cfg, CARequest{Alg: hsm.SM2, Role: model.RoleRoot, Years: 4})
	if err != nil {
		t.Fatal(err)
	}
	// A day later, four whole years no longer fit: three do.
	iss, err := CreateCA(ctx, p.Keyring(), st, cfgAt(testNow.Add(25*time.Hour)), CARequest{Alg: hsm.SM2, Role: model.RoleIssuing, ParentSerial: root.Serial})
	if err != nil {
		t.Fatalf("issuing CA under a 4-year root: %v", err)
	}
	if want := iss.NotBefore.AddDate(3, 0, 0); !iss.NotAfter.Equal(want) || iss.NotAfter.After(root.NotAfter) {
		t.Fatalf("issuing CA ends %s, want %s (root ends %s)", iss.NotAfter, want, root.NotAfter)
	}
	// An explicit validity is not adjusted.
	if _, err := CreateCA(ctx, p.Keyring(), st, cfg, CARequest{Alg: hsm.SM2, Role: model.RoleIssuing, ParentSerial: root.Serial, Years: 5}); !errors.Is(err, ErrLint) {
		t.Fatalf("--years past the root: %v", err)
	}
}

func TestCreateCARefuses(t *testing.T) {
	p, st, keys := ensure(t)
	defer p.Close()
	ctx := context.Background()
	cfg := cfgAt(testNow.Add(time.Hour))
	smRoot, _ := p.Root(hsm.SM2)
	smIssuing, _ := p.Issuing(hsm.SM2)
	before, _ := keys.List(ctx)
	for name, c := range map[string]struct {
		req  CARequest
		want error
	}{
		"unknown algorithm":          {CARequest{Alg: hsm.RSA3072, Role: model.RoleRoot}, ErrConfig},
		"unknown role":               {CARequest{Alg: hsm.SM2, Role: model.RoleSeal}, ErrConfig},
		"root with a parent":         {CARequest{Alg: hsm.SM2, Role: model.RoleRoot, ParentSerial: SerialHex(smRoot.SerialNumber)}, ErrConfig},
		"too many years":             {CARequest{Alg: hsm.SM2, Role: model.RoleRoot, Years: MaxCAYears + 1}, ErrConfig},
		"issuing under issuing":      {CARequest{Alg: hsm.SM2, Role: model.RoleIssuing, ParentSerial: SerialHex(smIssuing.SerialNumber)}, ErrConfig},
		"parent of another alg":      {CARequest{Alg: hsm.P256, Role: model.RoleIssuing, ParentSerial: SerialHex(smRoot.SerialNumber)}, ErrConfig},
		"unknown parent":             {CARequest{Alg: hsm.SM2, Role: model.RoleIssuing, ParentSerial: "abc"}, ErrNotFound},
		"outlives its root":          {CARequest{Alg: hsm.SM2, Role: model.RoleIssuing, Years: 30}, ErrLint},
		"key of another CA":          {CARequest{Alg: hsm.SM2, Role: model.RoleIssuing, KeyID: mustRecord(t, st, smIssuing).KeyID}, ErrConfig},
		"URI with a PIN":             {CARequest{Alg: hsm.SM2, Role: model.RoleRoot, KeyURI: "pkcs11:token=a?module-path=/x.so&pin-value=1234"}, ErrKeyURI},
		"key of the wrong algorithm": {CARequest{Alg: hsm.P256, Role: model.RoleRoot, KeyID: genKey(t, keys, hsm.SM2)}, ErrConfig},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := CreateCA(ctx, p.Keyring(), st, cfg, c.req)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if strings.Contains(err.Error(), "1234") {
				t.Fatalf("the error repeats the PIN: %v", err)
			}
		})
	}
	// Only the key made for "key of the wrong algorithm" is new: keys
	// generated for refused CAs were deleted.
	after, _ := keys.List(ctx)
	if len(after) != len(before)+1 {
		t.Fatalf("%d keys before, %d after: a refused CA left its key behind", len(before), len(after))
	}
}

func mustRecord(t *testing.T, st Store, c *smx509.Certificate) model.Certificate {
	t.Helper()
	rec, err := st.Certificate(context.Background(), SerialHex(c.SerialNumber))
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func genKey(t *testing.T, keys hsm.Backend, alg hsm.Algorithm) string {
	t.Helper()
	k, err := keys.Generate(context.Background(), alg, "spare")
	if err != nil {
		t.Fatal(err)
	}
	return k.ID()
}

// A rotation: the next start uses the new issuing CA for new seals and
// services; the old one stays indexed, signs its CRL, and what it issued
// still chains to the root.
func TestRotateIssuing(t *testing.T) {
	p, st, keys := ensure(t)
	ctx := context.Background()
	oldIssuing, _ := p.Issuing(hsm.SM2)
	oldSeal, _ := p.Seal(hsm.SM2)
	oldP256, _ := p.Issuing(hsm.P256)
	p.Close()

	// In the second the current CA starts, a new one could not be told
	// apart from it: refused before anything is made.
	n := len(st.certs)
	if _, err := RotateIssuing(ctx, NewKeyring(keys, nil), st, cfgAt(testNow.Add(500*time.Millisecond)), hsm.SM2, "", "", ""); !errors.Is(err, ErrConfig) || len(st.certs) != n {
		t.Fatalf("rotation within the current CA's first second: %v (%d certificates, was %d)", err, len(st.certs), n)
	}

	later := testNow.Add(24 * time.Hour)
	rot, err := RotateIssuing(ctx, NewKeyring(keys, nil), st, cfgAt(later), hsm.SM2, "", "", "")
	if err != nil {
		t.Fatalf("RotateIssuing: %v", err)
	}
	if rot.Previous == nil || rot.Previous.Serial != SerialHex(oldIssuing.SerialNumber) || rot.Next.Serial == rot.Previous.Serial {
		t.Fatalf("rotation %+v", rot)
	}
	cur, err := CurrentCAs(ctx, st, later)
	if err != nil || cur[hsm.SM2].Issuing.Serial != rot.Next.Serial || cur[hsm.P256].Issuing.Serial != SerialHex(oldP256.SerialNumber) {
		t.Fatalf("CurrentCAs = %+v, %v", cur, err)
	}

	p2, err := EnsureDevelopmentPKI(ctx, keys, st, cfgAt(later))
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close()
	newIssuing, _ := p2.Issuing(hsm.SM2)
	if SerialHex(newIssuing.SerialNumber) != rot.Next.Serial {
		t.Fatalf("after restart the SM2 issuing CA is %x, want the rotated %s", newIssuing.SerialNumber, rot.Next.Serial)
	}
	if p256, _ := p2.Issuing(hsm.P256); !p256.Equal(oldP256) {
		t.Fatal("rotating SM2 changed the P-256 issuing CA")
	}
	newSeal, _ := p2.Seal(hsm.SM2)
	if newSeal.Seal.ID == oldSeal.Seal.ID || newSeal.Certificate.CheckSignatureFrom(newIssuing) != nil {
		t.Fatalf("the seal after rotation is %s, not a new seal under the new CA", newSeal.Seal.ID)
	}
	// The old CA and seal certificate are still known and still chain.
	for _, c := range []*smx509.Certificate{oldIssuing, oldSeal.Certificate} {
		got, err := p2.CertificateBySerial(SerialHex(c.SerialNumber))
		if err != nil || !got.Equal(c) {
			t.Fatalf("CertificateBySerial(%x) after rotation: %v", c.SerialNumber, err)
		}
		if got, err := p2.CertificateBySKI(c.SubjectKeyId); err != nil || !got.Equal(c) {
			t.Fatalf("CertificateBySKI(%x) after rotation: %v", c.SubjectKeyId, err)
		}
	}
	root, _ := p2.Root(hsm.SM2)
	roots, inter := smx509.NewCertPool(), smx509.NewCertPool()
	roots.AddCert(root)
	inter.AddCert(oldIssuing)
	if _, err := oldSeal.Certificate.Verify(smx509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: later,
		KeyUsages: []smx509.ExtKeyUsage{smx509.ExtKeyUsageAny}}); err != nil {
		t.Fatalf("the old seal certificate no longer chains: %v", err)
	}
	// Services come from the new CA; CRLs from both.
	svc, err := EnsureServices(ctx, keys, st, p2, cfgAt(later))
	if err != nil {
		t.Fatal(err)
	}
	if !svc.OCSP[hsm.SM2].Issuer.Equal(newIssuing) || !svc.TSA[hsm.SM2].Issuer.Equal(newIssuing) {
		t.Fatal("OCSP or TSA certificate not under the new issuing CA")
	}
	signers, err := CRLSigners(ctx, keys, st, p2)
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, s := range signers {
		has[SerialHex(s.Certificate.SerialNumber)] = publicKeysEqual(s.Key.Public(), s.Certificate.PublicKey)
	}
	if !has[SerialHex(oldIssuing.SerialNumber)] || !has[rot.Next.Serial] {
		t.Fatalf("CRL signers %v: want the retired and the new SM2 issuing CA with their keys", has)
	}
	// The OCSP responder keeps a signer for the retired CA, made once.
	var serials []string
	for range 2 {
		retired, err := RetiredOCSPSigners(ctx, keys, st, p2, cfgAt(later))
		if err != nil {
			t.Fatal(err)
		}
		if len(retired) != 1 || !retired[0].Issuer.Equal(oldIssuing) || retired[0].Certificate.CheckSignatureFrom(oldIssuing) != nil ||
			LintService(retired[0].Certificate) != nil || !publicKeysEqual(retired[0].Key.Public(), retired[0].Certificate.PublicKey) {
			t.Fatalf("OCSP signers of retired CAs: %+v", retired)
		}
		serials = append(serials, SerialHex(retired[0].Certificate.SerialNumber))
	}
	if serials[0] != serials[1] {
		t.Fatalf("a second call made another OCSP signer (%v)", serials)
	}
}

func TestRootSignsOnlyIssuingCAs(t *testing.T) {
	if RootProfile.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign || RootProfile.PathLen != 1 || !RootProfile.IsCA ||
		len(RootProfile.ExtKeyUsage)+len(RootProfile.UnknownExtKeyUsage) != 0 {
		t.Fatalf("RootProfile %+v: want keyCertSign+cRLSign only, pathLen 1, no EKU", RootProfile)
	}
	if IssuingProfile.PathLen != 0 {
		t.Fatalf("IssuingProfile pathLen %d, want 0 (no CA below an issuing CA)", IssuingProfile.PathLen)
	}
	p, st, keys := ensure(t)
	defer p.Close()
	ctx := context.Background()
	for _, alg := range []hsm.Algorithm{hsm.SM2, hsm.P256} {
		root, _ := p.Root(alg)
		if root.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign || root.MaxPathLen != 1 {
			t.Fatalf("%s root: keyUsage %#x, pathLen %d", alg, root.KeyUsage, root.MaxPathLen)
		}
		rootKey, err := keys.Find(ctx, mustRecord(t, st, root).KeyID)
		if err != nil {
			t.Fatal(err)
		}
		leaf, _ := keys.Generate(ctx, alg, "leaf")
		for _, prof := range []Profile{SealProfile, OCSPSignerProfile, TSAProfile} {
			cs := &countingSigner{Signer: rootKey}
			req := Request{Profile: prof, Subject: pkix.Name{CommonName: "直签 " + prof.Role}, PublicKey: leaf.Public(),
				Issuer: root, IssuerKey: cs, Now: testNow, PublicURL: "http://127.0.0.1:8080"}
			issue := Issue
			if prof.Role != model.RoleSeal {
				issue = IssueService
			}
			if _, err := issue(req); !errors.Is(err, ErrLint) || !strings.Contains(err.Error(), "root CA signs only issuing-CA") {
				t.Fatalf("%s root signing a %s certificate: %v", alg, prof.Role, err)
			}
			if cs.n != 0 {
				t.Fatalf("the root key signed a refused %s certificate", prof.Role)
			}
		}
		// Control: the same root does sign an issuing CA.
		cs := &countingSigner{Signer: rootKey}
		if _, err := Issue(Request{Profile: IssuingProfile, Subject: pkix.Name{CommonName: "签发"}, PublicKey: leaf.Public(),
			Issuer: root, IssuerKey: cs, Now: testNow, PublicURL: "http://127.0.0.1:8080"}); err != nil || cs.n != 1 {
			t.Fatalf("control: %v (%d signatures)", err, cs.n)
		}
	}
}

// A CA key on another backend than the instance's: the record names it,
// and the next start finds it there (the default backend does not hold
// it).
func TestCAKeyOnAnotherBackend(t *testing.T) {
	p, st, keys := ensure(t)
	ctx := context.Background()
	p.Close()
	other := newMemStore()
	open := soft.Opener(other, []byte("other token"), soft.Options{KDF: soft.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	later := testNow.Add(time.Hour)
	cfg := cfgAt(later)
	cfg.OpenBackend = open
	ring := NewKeyring(keys, open)
	rot, err := RotateIssuing(ctx, ring, st, cfg, hsm.P256, "soft:", "", "外部签发CA")
	ring.Close()
	if err != nil {
		t.Fatal(err)
	}
	if rot.Next.KeyURI != "soft:" {
		t.Fatalf("KeyURI %q not recorded", rot.Next.KeyURI)
	}
	if _, err := keys.Find(ctx, rot.Next.KeyID); !errors.Is(err, hsm.ErrKeyNotFound) {
		t.Fatalf("the CA key is in the default backend too: %v", err)
	}
	if len(other.keys) != 1 {
		t.Fatalf("the other backend holds %d keys, want the CA key", len(other.keys))
	}
	p2, err := EnsureDevelopmentPKI(ctx, keys, st, cfg)
	if err != nil {
		t.Fatalf("restart with the CA key on another backend: %v", err)
	}
	defer p2.Close()
	iss, _ := p2.Issuing(hsm.P256)
	ik, _ := p2.IssuingKey(hsm.P256)
	seal, _ := p2.Seal(hsm.P256)
	if SerialHex(iss.SerialNumber) != rot.Next.Serial || !publicKeysEqual(ik.Public(), iss.PublicKey) || seal.Certificate.CheckSignatureFrom(iss) != nil {
		t.Fatal("the restarted PKI does not use the CA whose key is on the other backend")
	}
	// Without a way to open it, the start fails rather than replacing it.
	if _, err := EnsureDevelopmentPKI(ctx, keys, st, cfgAt(later)); err == nil {
		t.Fatal("EnsureDevelopmentPKI without an opener for the CA key's backend succeeded")
	}
}

func TestCheckKeyURI(t *testing.T) {
	for uri, ok := range map[string]bool{
		"soft:": true,
		"pkcs11:token=ca;slot-id=1?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin": true,
		"sdf:?module-path=/opt/sdf.so&key-index=1&pin-source=/run/pin":                                   true,
		"pkcs11:token=ca;pin-value=1234?module-path=/x.so":                                               false,
		"pkcs11:token=ca?module-path=/x.so&PIN-VALUE=1234":                                               false,
		"sdf:?module-path=/x.so&key-index=1&pin-value=1234":                                              false,
		"file:/etc/passwd": false,
		"no scheme":        false,
		"pkcs11:" + strings.Repeat("a", MaxKeyURI): false,
	} {
		err := CheckKeyURI(uri)
		if (err == nil) != ok {
			t.Errorf("CheckKeyURI(%.60q) = %v, want ok=%v", uri, err, ok)
		}
		if err != nil && (!errors.Is(err, ErrKeyURI) || strings.Contains(err.Error(), "1234")) {
			t.Errorf("CheckKeyURI(%.60q) error %v", uri, err)
		}
	}
}

func FuzzCheckKeyURI(f *testing.F) {
	for _, s := range []string{"soft:", "pkcs11:token=a;pin-value=1?module-path=/x", "sdf:?key-index=1&pin-source=/p", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		if CheckKeyURI(uri) == nil {
			for _, attr := range strings.FieldsFunc(uri, func(r rune) bool { return r == ';' || r == '?' || r == '&' }) {
				if name, _, _ := strings.Cut(attr, "="); strings.EqualFold(strings.TrimSpace(name), "pin-value") {
					t.Fatalf("accepted a URI with a pin-value: %q", uri)
				}
			}
			if len(uri) > MaxKeyURI {
				t.Fatalf("accepted %d bytes", len(uri))
			}
		}
	})
}
