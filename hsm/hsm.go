// Package hsm is sihub's single way to reach private keys. A key is a
// crypto.Signer; backends (soft: software keys wrapped under a passphrase;
// later pkcs11: and sdf:) generate, find, list and delete keys.
//
// SM2 keys sign with the SM2 signer ID carried in the SignerOpts
// (sm2.NewSM2SignerOption); when the opts ask for it (ForceGMSign) the key
// computes e = SM3(Z‖M) itself and digest is the whole message.
package hsm

import (
	"context"
	"crypto"
	"errors"
	"time"
)

// Algorithm names a key algorithm.
type Algorithm string

// Key algorithms.
const (
	SM2     Algorithm = "sm2"
	P256    Algorithm = "p256"
	RSA3072 Algorithm = "rsa3072"
)

// Errors.
var (
	ErrKeyNotFound   = errors.New("hsm: key not found")
	ErrUnsupported   = errors.New("hsm: algorithm not supported by this backend")
	ErrWrongPassword = errors.New("hsm: wrong passphrase or tampered key blob")
)

// Key is a private key held by a backend.
type Key interface {
	crypto.Signer
	ID() string
	Algorithm() Algorithm
}

// KeyInfo describes a key without reaching it.
type KeyInfo struct {
	ID        string
	Alg       Algorithm
	Label     string
	CreatedAt time.Time
}

// Backend holds keys.
type Backend interface {
	Generate(ctx context.Context, alg Algorithm, label string) (Key, error)
	Find(ctx context.Context, id string) (Key, error)
	List(ctx context.Context) ([]KeyInfo, error)
	Delete(ctx context.Context, id string) error
}
