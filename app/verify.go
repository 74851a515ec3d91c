package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/emmansun/gmsm/smx509"

	"sihub/model"
	"sihub/store"
	"sihub/store/sqlite"
	"sihub/verifier"
)

// Verification is what an offline check needs: the instance's trust
// anchors and registry when a data directory (or MongoDB) is configured,
// plus any extra anchors. Opening it creates nothing and needs no key
// passphrase.
type Verification struct {
	Verifier *verifier.Verifier
	QR       *QRChecker
	Store    store.Store // nil when there is no instance
}

// OpenVerification opens the instance's store if one exists.
func OpenVerification(ctx context.Context, cfg Config, extra []*smx509.Certificate) (*Verification, error) {
	v := &Verification{}
	var err error
	// The embedded store is opened only where an instance already made it.
	_, statErr := os.Stat(filepath.Join(cfg.DataDir, sqlite.FileName))
	switch {
	case cfg.MongoURI != "" || statErr == nil:
		v.Store, err = store.Open(ctx, cfg.storeConfig())
	case !errors.Is(statErr, fs.ErrNotExist):
		err = statErr
	}
	if err != nil {
		return nil, fmt.Errorf("app: opening store: %w", err)
	}
	roots := append([]*smx509.Certificate(nil), extra...)
	opts := verifier.Options{Now: cfg.Now}
	v.QR = &QRChecker{Extra: extra, Now: cfg.Now}
	if v.Store != nil {
		rs, err := v.Store.ListCertificates(ctx, model.RoleRoot)
		if err != nil {
			v.Store.Close()
			return nil, err
		}
		for _, r := range rs {
			c, err := smx509.ParseCertificate(r.DER)
			if err != nil {
				v.Store.Close()
				return nil, fmt.Errorf("app: stored root %s: %w", r.Serial, err)
			}
			roots = append(roots, c)
		}
		opts.Registry = v.Store
		if opts.Seals, err = NewSealRegistry(ctx, v.Store, cfg.Now); err != nil {
			v.Store.Close()
			return nil, err
		}
		v.QR.Certs = v.Store
	}
	opts.Roots = roots
	// Revocation: the registry for the instance's own certificates, else
	// OCSP and CRLs from the SIHUB_FETCH_ALLOW hosts only.
	fetch, err := cfg.fetchClient(slog.Default())
	if err != nil {
		v.Close()
		return nil, err
	}
	opts.Revocation = NewRevocation(RevocationOptions{Certs: v.Store, Fetch: fetch, Now: cfg.Now})
	v.Verifier = verifier.New(opts)
	return v, nil
}

// Close closes the store, if any.
func (v *Verification) Close() error {
	if v.Store != nil {
		return v.Store.Close()
	}
	return nil
}
