package app

import (
	"context"
	"crypto"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/hsm"
	"sihub/model"
)

// Moving a software key into a token (issue of the HSM adapters, key
// ceremony): the token makes a transport key pair and hands out its
// public half (TransportKey); the software keystore wraps the key for it
// (ExportKeyWrapped: RSA-OAEP ‖ AES-KWP, hsm.WrapRSAAES); the token
// unwraps it as a sensitive, non-extractable key (ImportKeyWrapped). The
// plaintext key never leaves the two ends; the file between them is a
// WrappedKey bundle.

// ErrCeremony: a key ceremony step cannot be done (no software keystore,
// a backend without key import, a malformed bundle).
var ErrCeremony = errors.New("app: key ceremony")

// keyImporter is what a token offers for the ceremony (hsm/pkcs11).
type keyImporter interface {
	TransportKey(ctx context.Context) (*rsa.PublicKey, error)
	ImportWrapped(ctx context.Context, label string, pub crypto.PublicKey, wrapped []byte, oaepHash crypto.Hash) (hsm.Key, error)
}

// TransportKey returns the public transport key of the token uri names,
// made on first use.
func TransportKey(ctx context.Context, uri string) (*rsa.PublicKey, error) {
	b, imp, err := openImporter(ctx, uri)
	if err != nil {
		return nil, err
	}
	defer closeBackend(b)
	return imp.TransportKey(ctx)
}

// ExportKeyWrapped wraps key id of the instance's software keystore for
// the holder of transport (OAEP with oaepHash: SHA-1 for SoftHSM2). The
// export is audited as "key.export" by actor.
func (a *App) ExportKeyWrapped(ctx context.Context, actor, id string, transport *rsa.PublicKey, oaepHash crypto.Hash) (WrappedKey, error) {
	var w WrappedKey
	err := fmt.Errorf("%w: the instance's keys are not in the software keystore", ErrCeremony)
	if a.keys != nil {
		var info hsm.Key
		if info, err = a.keys.Find(ctx, id); err == nil {
			w = WrappedKey{KeyID: id, Alg: info.Algorithm(), OAEP: oaepHash}
			w.Wrapped, w.Public, err = a.keys.ExportWrapped(ctx, id, transport, oaepHash)
		}
	}
	return w, a.auditKey(ctx, actor, "key.export", id, fmt.Sprintf("alg=%s oaep=%s", w.Alg, oaepName(oaepHash)), err)
}

// ImportKeyWrapped imports a bundle into the token uri names and returns
// the token's key id. Audited as "key.import" by actor (object: the new
// key id; detail: the exported key id and the token URI without PIN).
func (a *App) ImportKeyWrapped(ctx context.Context, actor, uri, label string, w WrappedKey) (string, error) {
	id := ""
	b, imp, err := openImporter(ctx, uri)
	if err == nil {
		var k hsm.Key
		k, err = imp.ImportWrapped(ctx, label, w.Public, w.Wrapped, w.OAEP)
		if err == nil {
			id = k.ID()
		}
		closeBackend(b)
	}
	return id, a.auditKey(ctx, actor, "key.import", id, fmt.Sprintf("from=%s alg=%s backend=%s", w.KeyID, w.Alg, auditableURI(uri)), err)
}

// auditableURI is uri when it holds no PIN, else only its scheme.
func auditableURI(uri string) string {
	if certs.CheckKeyURI(uri) == nil {
		return uri
	}
	scheme, _, _ := strings.Cut(uri, ":")
	if len(scheme) > 16 {
		scheme = "?"
	}
	return scheme + ":(with a PIN, not recorded)"
}

func openImporter(ctx context.Context, uri string) (hsm.Backend, keyImporter, error) {
	b, err := hsm.Open(ctx, uri)
	if err != nil {
		return nil, nil, err
	}
	imp, ok := b.(keyImporter)
	if !ok {
		closeBackend(b)
		return nil, nil, fmt.Errorf("%w: this backend cannot import wrapped keys", ErrCeremony)
	}
	return b, imp, nil
}

func closeBackend(b hsm.Backend) {
	if c, ok := b.(io.Closer); ok {
		c.Close()
	}
}

func (a *App) auditKey(ctx context.Context, actor, action, object, detail string, err error) error {
	e := model.AuditEntry{Time: a.Config.Now().UTC(), Actor: actorOr(actor), Action: action, Object: object, Outcome: "ok", Detail: detail}
	if err != nil {
		e.Outcome = "failed"
		e.Detail += " " + caErrorKind(err)
	}
	if aerr := a.Store.AppendAudit(context.WithoutCancel(ctx), e); aerr != nil {
		return errors.Join(err, fmt.Errorf("app: audit %s: %w", action, aerr))
	}
	return err
}

// WrappedKey is a key in transport: the wrapped PKCS #8 private key, its
// public key, and how it was wrapped.
type WrappedKey struct {
	KeyID   string // the exporting keystore's id
	Alg     hsm.Algorithm
	OAEP    crypto.Hash // crypto.SHA1 or crypto.SHA256
	Wrapped []byte
	Public  crypto.PublicKey
}

// MaxWrappedKeyFile caps a bundle read by ParseWrappedKey.
const MaxWrappedKeyFile = 64 << 10

const (
	pemWrapped = "SIHUB WRAPPED KEY"
	pemPublic  = "PUBLIC KEY"
)

// Marshal writes the bundle as two PEM blocks: "SIHUB WRAPPED KEY" (with
// Key-Id, Alg and OAEP headers) and the "PUBLIC KEY".
func (w WrappedKey) Marshal() ([]byte, error) {
	pub, err := smx509.MarshalPKIXPublicKey(w.Public)
	if err != nil {
		return nil, fmt.Errorf("%w: public key: %v", ErrCeremony, err)
	}
	out := pem.EncodeToMemory(&pem.Block{Type: pemWrapped, Headers: map[string]string{
		"Key-Id": w.KeyID, "Alg": string(w.Alg), "OAEP": oaepName(w.OAEP)}, Bytes: w.Wrapped})
	return append(out, pem.EncodeToMemory(&pem.Block{Type: pemPublic, Bytes: pub})...), nil
}

// ParseWrappedKey reads a bundle Marshal wrote (at most MaxWrappedKeyFile
// bytes, exactly the two blocks).
func ParseWrappedKey(b []byte) (WrappedKey, error) {
	var w WrappedKey
	if len(b) > MaxWrappedKeyFile {
		return w, fmt.Errorf("%w: bundle larger than %d bytes", ErrCeremony, MaxWrappedKeyFile)
	}
	wb, rest := pem.Decode(b)
	if wb == nil || wb.Type != pemWrapped || len(wb.Bytes) == 0 {
		return w, fmt.Errorf("%w: no %s block", ErrCeremony, pemWrapped)
	}
	pb, rest := pem.Decode(rest)
	if pb == nil || pb.Type != pemPublic {
		return w, fmt.Errorf("%w: no %s block after the wrapped key", ErrCeremony, pemPublic)
	}
	if blk, _ := pem.Decode(rest); blk != nil {
		return w, fmt.Errorf("%w: more than two blocks", ErrCeremony)
	}
	pub, err := smx509.ParsePKIXPublicKey(pb.Bytes)
	if err != nil {
		return w, fmt.Errorf("%w: public key: %v", ErrCeremony, err)
	}
	h, ok := map[string]crypto.Hash{"sha1": crypto.SHA1, "sha256": crypto.SHA256}[wb.Headers["OAEP"]]
	if !ok {
		return w, fmt.Errorf("%w: OAEP hash %q (want sha1 or sha256)", ErrCeremony, wb.Headers["OAEP"])
	}
	return WrappedKey{KeyID: wb.Headers["Key-Id"], Alg: hsm.Algorithm(wb.Headers["Alg"]), OAEP: h, Wrapped: wb.Bytes, Public: pub}, nil
}

func oaepName(h crypto.Hash) string {
	switch h {
	case crypto.SHA1:
		return "sha1"
	case crypto.SHA256:
		return "sha256"
	}
	return "unknown"
}
