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

// withoutPIN drops the pin-value attributes of an RFC 7512 style URI
// (";"-separated path attributes, "&"-separated query attributes).
func withoutPIN(uri string) string {
	path, query, hasQuery := strings.Cut(uri, "?")
	keep := func(attrs []string) []string {
		var out []string
		for _, a := range attrs {
			name, _, _ := strings.Cut(a, "=")
			if !strings.EqualFold(strings.TrimSpace(name), "pin-value") {
				out = append(out, a)
			}
		}
		return out
	}
	scheme, rest, _ := strings.Cut(path, ":")
	out := scheme + ":" + strings.Join(keep(strings.Split(rest, ";")), ";")
	if hasQuery {
		if q := keep(strings.Split(query, "&")); len(q) > 0 {
			out += "?" + strings.Join(q, "&")
		}
	}
	return out
}

// openBackend opens the backends key records name: the instance's own
// backend (as KeyURI records it) is the one already open; others through
// their registered scheme.
func (a *App) openBackend(ctx context.Context, uri string) (hsm.Backend, error) {
	if own, err := a.KeyURI(); err == nil && uri == own {
		return keepOpen{a.Keys}, nil
	}
	return hsm.Open(ctx, uri)
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
// answers after a certificate's status changed.
func (a *App) refreshRevocation(ctx context.Context, issuerSerial string) {
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
