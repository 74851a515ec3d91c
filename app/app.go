package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"sihub/certs"
	"sihub/hsm"
	_ "sihub/hsm/pkcs11" // registers pkcs11: for SIHUB_HSM_URI
	_ "sihub/hsm/sdf"    // registers sdf:
	"sihub/hsm/soft"
	"sihub/internal/netguard"
	"sihub/portal"
	"sihub/signer"
	"sihub/signer/render"
	"sihub/store"
	"sihub/verifier"
)

// App is a wired sihub instance.
type App struct {
	Config Config
	Store  store.Store
	Keys   hsm.Backend
	PKI    *certs.PKI
	// Issuer issues, reissues and withdraws documents and delivers each
	// to its holder (Delivery).
	Issuer   *DeliveringIssuer
	Delivery *Delivery
	Verifier *verifier.Verifier
	QR       *QRChecker
	// PKIServices are the CRL, OCSP and TSA services under /pki/.
	PKIServices *PKIServices
	// Fetch is the guarded client of every outbound fetch (OCSP, CRL,
	// time-stamps): only SIHUB_FETCH_ALLOW hosts.
	Fetch *netguard.Client
	// Revocation answers the verifier's revocation questions: the
	// registry for our certificates, online OCSP and CRLs through Fetch.
	Revocation *Revocation
	Logger     *slog.Logger

	keys     *soft.Backend // the software keystore, when it is the backend
	device   hsm.Backend   // a hardware backend opened from SIHUB_HSM_URI
	keyAudit *keyAudit
	caAdmin  *CAAdmin
	seals    *SealRegistry
	sender   Sender
}

// Options tune Open beyond Config.
type Options struct {
	Logger *slog.Logger
	// NoDemo skips seeding even when Config.Demo is set.
	NoDemo bool
	// Sender sends the outbox's SMS and email (RunDelivery); default
	// LogSender, which only logs them.
	Sender Sender
}

// Open opens the store and the keystore, ensures the development PKI and
// seals exist, seeds the demo data on first start, and builds the services.
func Open(ctx context.Context, cfg Config, o Options) (*App, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	a := &App{Config: cfg, Logger: log}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("app: data directory: %w", err)
	}
	var err error
	a.Store, err = store.Open(ctx, cfg.storeConfig())
	if err != nil {
		return nil, fmt.Errorf("app: opening store: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			a.Close()
		}
	}()
	if cfg.DevelopmentKeys() {
		log.Warn("keys are protected by the development passphrase; set SIHUB_KEY_PASSPHRASE in production")
	}
	var backend hsm.Backend
	if cfg.HSMURI == "" || cfg.HSMURI == "soft:" {
		a.keys, err = soft.Open(ctx, a.Store, []byte(cfg.KeyPassphrase), soft.Options{Now: cfg.Now})
		backend = a.keys
	} else {
		backend, err = hsm.Open(ctx, cfg.HSMURI)
		a.device = backend
	}
	if err != nil {
		return nil, fmt.Errorf("app: opening the key backend: %w", err)
	}
	// Every signature a device returns is checked in software before use
	// (the in-process keystore's need no second check: softkeys.go), and
	// every key use reaches the audit trail.
	a.keyAudit = newKeyAudit(a.Store, cfg.Now, log)
	a.Keys = hsm.ObservedBackend(checkedBackend(backend, a.device != nil), a.keyAudit.observe)
	ctx = hsm.WithCaller(ctx, "sihub")
	a.PKI, err = certs.EnsureDevelopmentPKI(ctx, a.Keys, a.Store, a.certsConfig())
	if err != nil {
		return nil, fmt.Errorf("app: PKI: %w", err)
	}
	a.caAdmin = &CAAdmin{a: a}
	if cfg.Demo && !o.NoDemo {
		n, err := a.Store.CountPersons(ctx)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			if err := SeedDemo(ctx, a.Store, cfg.Now()); err != nil {
				return nil, err
			}
			log.Info("demo data seeded", "person", DemoPersonID, "unit", DemoUnitCode)
		}
	}
	font, err := render.DefaultFont()
	if err != nil {
		return nil, fmt.Errorf("app: font: %w", err)
	}
	a.Delivery = NewDelivery(a.Store, cfg.PublicURL, cfg.Now, log)
	a.sender = o.Sender
	if a.sender == nil {
		a.sender = LogSender{Logger: log}
	}
	svc, err := signer.NewService(signer.Config{
		Agency: cfg.Agency, Region: cfg.Region, RegionName: cfg.RegionName, PublicURL: cfg.PublicURL, Validity: cfg.Validity, Now: cfg.Now,
		Kinds: cfg.Kinds, Levels: cfg.Levels, LTV: &levelServices{a: a},
	}, a.Store, a.Store, a.Store, a.PKI, render.New(font))
	if err != nil {
		return nil, err
	}
	a.Issuer = &DeliveringIssuer{Service: svc, Delivery: a.Delivery}
	seals, err := NewSealRegistry(ctx, a.Store, cfg.Now)
	if err != nil {
		return nil, err
	}
	a.seals = seals
	if a.Fetch, err = cfg.fetchClient(log); err != nil {
		return nil, err
	}
	a.Revocation = NewRevocation(RevocationOptions{Certs: a.Store, Fetch: a.Fetch, Now: cfg.Now, Logger: log})
	a.Verifier = verifier.New(verifier.Options{Roots: a.PKI.Roots(), Registry: a.Store, Seals: seals, Now: cfg.Now, Revocation: a.Revocation})
	a.QR = &QRChecker{Certs: a.Store, Now: cfg.Now}
	if a.PKIServices, err = a.startPKIServices(ctx); err != nil {
		return nil, err
	}
	if _, err := a.caAdmin.ExpireSeals(ctx); err != nil {
		return nil, err
	}
	ok = true
	return a, nil
}

// Handler builds the portal.
func (a *App) Handler(version string) (http.Handler, error) {
	key, err := a.sessionKey()
	if err != nil {
		return nil, err
	}
	h, err := portal.New(portal.Config{
		PublicURL: a.Config.PublicURL, ThemeColor: a.Config.ThemeColor, SessionKey: key,
		MaxUploadBytes: a.Config.MaxUpload, Now: a.Config.Now, Logger: a.Logger, Version: version,
		AgencyName: a.Config.Agency, Institutions: a.institutions(),
		Collectors: a.collectors(),
	}, portal.Deps{
		Accounts: a.Store, Documents: a.Store, Persons: a.Store, Issuer: a.Issuer,
		Verifier: a.Verifier, QRChecker: a.QR, Audit: a.Store, APIKeys: a.Store, AuditTrail: a.Store,
		Reports: a.Issuer, Inbox: a.Store,
		CAAdmin: a.caAdmin,
	})
	if err != nil || a.PKIServices == nil {
		return h, err
	}
	// The trust services answer machines (OCSP and TSA clients, CRL
	// fetchers) with their own media types, beside the portal.
	mux := http.NewServeMux()
	mux.Handle("/pki/", a.PKIServices.Handler)
	mux.Handle("/", h)
	return mux, nil
}

// institutions are the API key holders citizens may grant consent to:
// the demo bank when the demo data is seeded.
func (a *App) institutions() []portal.Institution {
	if !a.Config.Demo {
		return nil
	}
	return []portal.Institution{{KeyID: DemoBankKeyID, Name: "示范银行股份有限公司"}} // as SeedDemo stores it
}

// sessionKey reads the portal's cookie key from the data directory,
// creating it (0600) on first start.
func (a *App) sessionKey() ([]byte, error) {
	p := filepath.Join(a.Config.DataDir, "session.key")
	b, err := os.ReadFile(p)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("app: session key: %w", err)
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return nil, fmt.Errorf("app: session key: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return nil, fmt.Errorf("app: session key: %w", err)
	}
	return b, nil
}

// Close releases the keystore and the store.
func (a *App) Close() error {
	var errs []error
	if a.keyAudit != nil && a.Store != nil {
		errs = append(errs, a.keyAudit.flush(context.Background()))
	}
	errs = append(errs, a.PKI.Close()) // backends of CA keys off the instance's own
	if a.keys != nil {
		errs = append(errs, a.keys.Close())
	}
	if c, ok := a.device.(interface{ Close() error }); ok {
		errs = append(errs, c.Close())
	}
	if a.Store != nil {
		errs = append(errs, a.Store.Close())
	}
	return errors.Join(errs...)
}
