package certs

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"

	"sihub/hsm"
	"sihub/model"
)

// CARequest asks for a new root or issuing CA (a key ceremony step).
type CARequest struct {
	// Alg is hsm.SM2 or hsm.P256.
	Alg hsm.Algorithm
	// Role is model.RoleRoot or model.RoleIssuing.
	Role string
	// ParentSerial names the root that signs an issuing CA (lower-case
	// hex); empty is the current root of Alg (CurrentCAs). Must be empty
	// for a root.
	ParentSerial string
	// KeyURI names the backend the CA key lives on; "" is the keyring's
	// default backend. It is recorded in model.Certificate.KeyURI, so it
	// must pass CheckKeyURI (no PIN in it).
	KeyURI string
	// KeyID, when set, is an existing key of that backend to certify
	// instead of generating one (SDF devices make their keys with their
	// own tools). A key already certified for another CA is refused.
	KeyID string
	// Label is the generated key's label and, when set, the certificate's
	// common name.
	Label string
	// Years overrides the profile's validity (1 to MaxCAYears); 0 keeps
	// it (root 20, issuing 10 years), shortened for an issuing CA to the
	// whole years its root has left. An issuing CA must end before its
	// root: the lint step refuses one that would not.
	Years int
}

// MaxCAYears bounds CARequest.Years.
const MaxCAYears = 30

// Current is the root and issuing CA of one algorithm that
// EnsureDevelopmentPKI uses: the oldest usable root, and the newest usable
// issuing CA under it. Issuing is nil when the root has none yet.
type Current struct {
	Root, Issuing *model.Certificate
}

// CurrentCAs applies EnsureDevelopmentPKI's choice to the stored records
// alone (it neither parses signatures nor reaches keys): for each
// algorithm, the oldest root that is "good" and valid at now, and the
// newest issuing CA under that root that is "good" and valid at now. An
// algorithm without a usable root is absent from the map.
func CurrentCAs(ctx context.Context, st Store, now time.Time) (map[hsm.Algorithm]Current, error) {
	roots, err := st.ListCertificates(ctx, model.RoleRoot)
	if err != nil {
		return nil, fmt.Errorf("certs: list root certificates: %w", err)
	}
	issuing, err := st.ListCertificates(ctx, model.RoleIssuing)
	if err != nil {
		return nil, fmt.Errorf("certs: list issuing certificates: %w", err)
	}
	out := map[hsm.Algorithm]Current{}
	for i := range roots {
		r := &roots[i]
		alg := hsm.Algorithm(r.Alg)
		if _, seen := out[alg]; seen || !goodAt(*r, now) {
			continue
		}
		cur := Current{Root: r}
		for j := len(issuing) - 1; j >= 0; j-- { // newest first
			if c := &issuing[j]; c.Alg == r.Alg && c.IssuerSerial == r.Serial && goodAt(*c, now) {
				cur.Issuing = c
				break
			}
		}
		out[alg] = cur
	}
	return out, nil
}

func goodAt(c model.Certificate, now time.Time) bool {
	return c.Status == CertGood && !now.Before(c.NotBefore) && !now.After(c.NotAfter)
}

// CreateCA makes a CA certificate: the key is generated on (or, with
// KeyID, found in) the backend req.KeyURI names; the certificate is
// prepared from RootProfile or IssuingProfile, linted, signed — by itself
// for a root, by the parent root's key (found through the root's record)
// for an issuing CA — parsed back and linted again, then stored with its
// KeyURI. cfg gives the agency (the O of the subject), the clock and the
// public URL. A key generated for a CA that is then refused is deleted.
//
// An issuing CA made under the current root becomes the current issuing
// CA of its algorithm from the next EnsureDevelopmentPKI on (the newest
// usable one is chosen); older issuing CAs stay stored and trusted, so
// what they certified keeps chaining.
func CreateCA(ctx context.Context, ring *Keyring, st Store, cfg Config, req CARequest) (model.Certificate, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return model.Certificate{}, err
	}
	now := cfg.Now()
	prof, err := caProfile(req)
	if err != nil {
		return model.Certificate{}, err
	}
	if req.KeyURI != "" {
		if err := CheckKeyURI(req.KeyURI); err != nil {
			return model.Certificate{}, err
		}
	}
	var parent *smx509.Certificate
	var parentKey hsm.Key
	if req.Role == model.RoleIssuing {
		if parent, parentKey, err = parentCA(ctx, ring, st, req, now); err != nil {
			return model.Certificate{}, err
		}
	}
	if parent != nil && req.Years == 0 {
		prof.Validity = fitUnder(prof.Validity, now, parent.NotAfter)
	}
	backend, err := ring.Backend(ctx, req.KeyURI)
	if err != nil {
		return model.Certificate{}, err
	}
	key, generated, err := caKey(ctx, backend, st, req)
	if err != nil {
		return model.Certificate{}, err
	}
	discard := func(err error) (model.Certificate, error) {
		if generated {
			if derr := backend.Delete(context.WithoutCancel(ctx), key.ID()); derr != nil {
				err = errors.Join(err, fmt.Errorf("certs: deleting the unused key %s: %w", key.ID(), derr))
			}
		}
		return model.Certificate{}, err
	}
	signer := key
	if parent != nil {
		signer = parentKey
	}
	cert, err := Issue(Request{Profile: prof, Subject: caSubject(cfg.Agency, req, now), PublicKey: key.Public(),
		Issuer: parent, IssuerKey: signer, Now: now, PublicURL: cfg.PublicURL})
	if err != nil {
		return discard(err)
	}
	rec := record(cert, req.Alg, prof.Role, key.ID(), parent)
	rec.KeyURI = req.KeyURI
	if err := st.PutCertificate(ctx, rec); err != nil {
		return discard(fmt.Errorf("certs: store %s %s certificate: %w", req.Alg, prof.Role, err))
	}
	return rec, nil
}

// caProfile checks req and returns the profile to issue with.
func caProfile(req CARequest) (Profile, error) {
	if _, ok := algNames[req.Alg]; !ok {
		return Profile{}, fmt.Errorf("%w: algorithm %q (want sm2 or p256)", ErrConfig, req.Alg)
	}
	var prof Profile
	switch req.Role {
	case model.RoleRoot:
		if req.ParentSerial != "" {
			return Profile{}, fmt.Errorf("%w: a root CA has no parent", ErrConfig)
		}
		prof = RootProfile
	case model.RoleIssuing:
		prof = IssuingProfile
	default:
		return Profile{}, fmt.Errorf("%w: CA role %q (want root or issuing)", ErrConfig, req.Role)
	}
	if req.Years < 0 || req.Years > MaxCAYears {
		return Profile{}, fmt.Errorf("%w: validity of %d years (want 1 to %d)", ErrConfig, req.Years, MaxCAYears)
	}
	if req.Years > 0 {
		prof.Validity = Period{Years: req.Years}
	}
	return prof, nil
}

// fitUnder shortens a default validity starting at now to the whole years
// left before the issuer's notAfter, when it would run past it (at least a
// year; a shorter remainder is left to the lint step to refuse).
func fitUnder(v Period, now, issuerEnd time.Time) Period {
	start := now.UTC().Truncate(time.Second)
	if !v.After(start).After(issuerEnd) {
		return v
	}
	years := 0
	for start.AddDate(years+1, 0, 0).Compare(issuerEnd) <= 0 {
		years++
	}
	if years == 0 {
		return v
	}
	return Period{Years: years}
}

// parentCA finds the root that signs an issuing CA, and its key.
func parentCA(ctx context.Context, ring *Keyring, st Store, req CARequest, now time.Time) (*smx509.Certificate, hsm.Key, error) {
	serial := req.ParentSerial
	if serial == "" {
		cur, err := CurrentCAs(ctx, st, now)
		if err != nil {
			return nil, nil, err
		}
		if cur[req.Alg].Root == nil {
			return nil, nil, fmt.Errorf("%w: no usable %s root CA; create one first", ErrNotFound, req.Alg)
		}
		serial = cur[req.Alg].Root.Serial
	}
	rec, err := st.Certificate(ctx, serial)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil, fmt.Errorf("%w: parent certificate %s", ErrNotFound, serial)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("certs: parent certificate %s: %w", serial, err)
	}
	switch {
	case rec.Role != model.RoleRoot:
		return nil, nil, fmt.Errorf("%w: parent %s is a %s certificate; issuing CAs are signed by a root", ErrConfig, serial, rec.Role)
	case rec.Alg != string(req.Alg):
		return nil, nil, fmt.Errorf("%w: parent %s is a %s root, not %s", ErrConfig, serial, rec.Alg, req.Alg)
	case !goodAt(rec, now):
		return nil, nil, fmt.Errorf("%w: parent %s is %s or not valid now", ErrConfig, serial, rec.Status)
	}
	cert, err := smx509.ParseCertificate(rec.DER)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: stored certificate %s does not parse: %w", serial, err)
	}
	key, err := ring.Find(ctx, rec.KeyURI, rec.KeyID)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: the key %s of root %s: %w", rec.KeyID, serial, err)
	}
	if !publicKeysEqual(cert.PublicKey, key.Public()) {
		return nil, nil, fmt.Errorf("certs: the key %s does not hold root %s's public key", rec.KeyID, serial)
	}
	return cert, key, nil
}

// caKey generates the CA key or finds req.KeyID; generated reports which.
func caKey(ctx context.Context, backend hsm.Backend, st Store, req CARequest) (hsm.Key, bool, error) {
	if req.KeyID == "" {
		label := req.Label
		if label == "" {
			label = fmt.Sprintf("%s CA %s", req.Role, req.Alg)
		}
		key, err := backend.Generate(ctx, req.Alg, label)
		if err != nil {
			return nil, false, fmt.Errorf("certs: generate %s %s CA key: %w", req.Alg, req.Role, err)
		}
		return key, true, nil
	}
	all, err := st.ListCertificates(ctx, "")
	if err != nil {
		return nil, false, fmt.Errorf("certs: list certificates: %w", err)
	}
	for _, c := range all {
		if c.KeyID == req.KeyID && c.KeyURI == req.KeyURI {
			return nil, false, fmt.Errorf("%w: key %s already holds certificate %s (%s)", ErrConfig, req.KeyID, c.Serial, c.Role)
		}
	}
	key, err := backend.Find(ctx, req.KeyID)
	if err != nil {
		return nil, false, fmt.Errorf("certs: key %s: %w", req.KeyID, err)
	}
	if !keyIsAlg(key, req.Alg) {
		return nil, false, fmt.Errorf("%w: key %s is not a %s key", ErrConfig, req.KeyID, req.Alg)
	}
	return key, false, nil
}

// keyIsAlg checks the public key itself, not only what the backend says.
func keyIsAlg(k hsm.Key, alg hsm.Algorithm) bool {
	a, err := algOf(k.Public())
	return err == nil && a == alg
}

// algOf names the algorithm of a CA's public key.
func algOf(pub crypto.PublicKey) (hsm.Algorithm, error) {
	if k, ok := pub.(*ecdsa.PublicKey); ok {
		switch k.Curve {
		case sm2.P256():
			return hsm.SM2, nil
		case elliptic.P256():
			return hsm.P256, nil
		}
	}
	return "", fmt.Errorf("%w: a CA key of type %T", ErrConfig, pub)
}

func caSubject(agency string, req CARequest, now time.Time) pkix.Name {
	cn := req.Label
	if cn == "" {
		kind := "签发CA"
		if req.Role == model.RoleRoot {
			kind = "根CA"
		}
		cn = fmt.Sprintf("sihub %s (%s) %s", kind, algNames[req.Alg], now.UTC().Format("20060102"))
	}
	return pkix.Name{CommonName: cn, Organization: []string{agency}, Country: []string{"CN"}}
}

// Rotation is the result of RotateIssuing.
type Rotation struct {
	// Previous is the issuing CA that was current (nil when there was
	// none); it stays stored and trusted.
	Previous *model.Certificate
	// Next is the new issuing CA, current from the next start on.
	Next model.Certificate
}

// RotateIssuing makes a new issuing CA of alg under the current root (the
// key on keyURI's backend, or the existing keyID there) and checks that
// it is now the one CurrentCAs — and so EnsureDevelopmentPKI at the next
// start — picks. New seal, OCSP and TSA certificates are then issued under
// it; the previous issuing CA keeps its records, its key and its place in
// the chains of what it certified.
func RotateIssuing(ctx context.Context, ring *Keyring, st Store, cfg Config, alg hsm.Algorithm, keyURI, keyID, label string) (Rotation, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	before, err := CurrentCAs(ctx, st, cfg.Now())
	if err != nil {
		return Rotation{}, err
	}
	prev := before[alg].Issuing
	if prev != nil && !cfg.Now().UTC().Truncate(time.Second).After(prev.NotBefore) {
		// Certificates start on a whole second: one made now could not be
		// told apart from (or would precede) the current one.
		return Rotation{}, fmt.Errorf("%w: the current %s issuing CA %s starts %s; rotate after that second",
			ErrConfig, alg, prev.Serial, prev.NotBefore.UTC().Format(time.RFC3339))
	}
	rec, err := CreateCA(ctx, ring, st, cfg, CARequest{Alg: alg, Role: model.RoleIssuing, KeyURI: keyURI, KeyID: keyID, Label: label})
	if err != nil {
		return Rotation{}, err
	}
	after, err := CurrentCAs(ctx, st, cfg.Now())
	if err != nil {
		return Rotation{}, err
	}
	if got := after[alg].Issuing; got == nil || got.Serial != rec.Serial {
		// Another issuing CA made in the same second by someone else.
		return Rotation{}, fmt.Errorf("certs: the new %s issuing CA %s is not the newest under the root", alg, rec.Serial)
	}
	return Rotation{Previous: prev, Next: rec}, nil
}
