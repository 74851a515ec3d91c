package app

import (
	"context"
	"strings"

	"sihub/certs"
	"sihub/hsm"
)

// KeyURI names the instance's key backend as a seal's KeyURI records it:
// "soft:" for the software keystore, else SIHUB_HSM_URI without its PIN
// (pin-value attributes dropped; a backend found again at start names its
// PIN file with pin-source).
func (a *App) KeyURI() (string, error) {
	uri := a.Config.HSMURI
	if uri == "" || uri == "soft:" {
		return "soft:", nil
	}
	uri = withoutPIN(uri)
	if err := certs.CheckKeyURI(uri); err != nil {
		return "", err
	}
	return uri, nil
}

// withoutPIN drops the pin-value attributes of a key URI, whose
// attributes are separated by ";", "?" or "&" (as certs.CheckKeyURI reads
// them); everything else is kept as written.
func withoutPIN(uri string) string {
	scheme, rest, ok := strings.Cut(uri, ":")
	if !ok {
		return uri
	}
	var b strings.Builder
	b.WriteString(scheme + ":")
	wrote, queryDropped := false, false
	var sep byte // the separator before the current attribute; 0 for the first
	start := 0
	for i := 0; i <= len(rest); i++ {
		if i < len(rest) && strings.IndexByte(";?&", rest[i]) < 0 {
			continue
		}
		attr := rest[start:i]
		name, _, _ := strings.Cut(attr, "=")
		if strings.EqualFold(strings.TrimSpace(name), "pin-value") {
			queryDropped = queryDropped || sep == '?'
		} else {
			s := sep
			if queryDropped && s == '&' {
				s, queryDropped = '?', false // the query keeps its "?"
			}
			if s != 0 && (wrote || s != ';') {
				b.WriteByte(s)
			}
			b.WriteString(attr)
			wrote = true
		}
		if i < len(rest) {
			sep = rest[i]
		}
		start = i + 1
	}
	return b.String()
}

// openBackend opens the backends key records name: the instance's own
// backend (as KeyURI records it) is the one already open; others through
// their registered scheme.
func (a *App) openBackend(ctx context.Context, uri string) (hsm.Backend, error) {
	if own, err := a.KeyURI(); err == nil && uri == own {
		return keepOpen{a.Keys}, nil
	}
	b, err := hsm.Open(ctx, uri)
	if err != nil {
		return nil, err
	}
	// The same guards as the instance's own backend: every signature
	// checked in software, every key use in the audit trail.
	return hsm.ObservedBackend(hsm.VerifyingBackend(b), a.keyAudit.observe), nil
}

// keepOpen hides the Close of the instance's backend from the keyring,
// which closes the backends it opened; App.Close closes this one.
type keepOpen struct{ hsm.Backend }

// certsConfig is the CA configuration of the instance.
func (a *App) certsConfig() certs.Config {
	return certs.Config{Agency: a.Config.Agency, Region: a.Config.Region, Algorithms: []hsm.Algorithm{hsm.SM2, hsm.P256},
		Now: a.Config.Now, PublicURL: a.Config.PublicURL, OpenBackend: a.openBackend}
}

// refreshRevocation rebuilds the CRL of issuer and drops the cached OCSP
// answers (the responder's and the verifier's) after a certificate's
// status changed.
func (a *App) refreshRevocation(ctx context.Context, issuerSerial string) {
	if a.Revocation != nil {
		a.Revocation.Purge()
	}
	if a.PKIServices == nil {
		return
	}
	if a.PKIServices.CRL != nil {
		if _, err := a.PKIServices.CRL.Refresh(ctx, issuerSerial); err != nil {
			a.Logger.Error("CRL refresh after a status change", "issuer", issuerSerial, "err", err)
		}
	}
	if a.PKIServices.OCSP != nil {
		a.PKIServices.OCSP.Purge()
	}
}

func certsAlg(alg string) hsm.Algorithm { return hsm.Algorithm(alg) }
