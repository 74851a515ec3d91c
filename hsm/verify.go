package hsm

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/emmansun/gmsm/sm2"
)

// ErrBadSignature: a key returned a signature that does not verify under
// its own public key (a faulty or misconfigured HSM, e.g. ECDSA computed
// on the SM2 curve instead of SM2).
var ErrBadSignature = errors.New("hsm: signature returned by the key does not verify")

// VerifySignature checks sig over digest with pub, interpreting digest and
// opts the way a crypto.Signer of that key type does:
//   - SM2 public key (curve sm2.P256) with *sm2.SM2SignerOption that forces
//     GM signing: digest is the whole message, e = SM3(Z‖M) with the
//     option's signer ID;
//   - SM2 public key otherwise: digest is e itself;
//   - ECDSA: digest is the hash;
//   - RSA: PSS when opts is *rsa.PSSOptions, PKCS #1 v1.5 otherwise.
//
// It returns nil or an error wrapping ErrBadSignature (or ErrUnsupported
// for a key type it does not know).
func VerifySignature(pub crypto.PublicKey, digest, sig []byte, opts crypto.SignerOpts) error {
	switch pub := pub.(type) {
	case *ecdsa.PublicKey:
		if pub.Curve == sm2.P256() {
			if uid, ok := sm2UID(opts); ok {
				if !sm2.VerifyASN1WithSM2(pub, uid, digest, sig) {
					return fmt.Errorf("%w: SM2 signature (SM3 with signer ID %q) is invalid", ErrBadSignature, uid)
				}
				return nil
			}
			if !sm2.VerifyASN1(pub, digest, sig) {
				return fmt.Errorf("%w: SM2 signature over a precomputed digest is invalid", ErrBadSignature)
			}
			return nil
		}
		if !ecdsa.VerifyASN1(pub, digest, sig) {
			return fmt.Errorf("%w: ECDSA %s signature is invalid", ErrBadSignature, pub.Curve.Params().Name)
		}
		return nil
	case *rsa.PublicKey:
		if pss, ok := opts.(*rsa.PSSOptions); ok {
			if err := rsa.VerifyPSS(pub, pss.Hash, digest, sig, pss); err != nil {
				return fmt.Errorf("%w: RSA-PSS: %v", ErrBadSignature, err)
			}
			return nil
		}
		var h crypto.Hash
		if opts != nil {
			h = opts.HashFunc()
		}
		if err := rsa.VerifyPKCS1v15(pub, h, digest, sig); err != nil {
			return fmt.Errorf("%w: RSA PKCS #1 v1.5: %v", ErrBadSignature, err)
		}
		return nil
	default:
		return fmt.Errorf("%w: cannot verify signatures of %T", ErrUnsupported, pub)
	}
}

// sm2UID reports the signer ID of an SM2 option that asks the key to compute
// SM3(Z‖M) itself. gmsm keeps the option's fields unexported, so they are
// read by reflection (reading, never writing); a test pins the field names.
func sm2UID(opts crypto.SignerOpts) ([]byte, bool) {
	o, ok := opts.(*sm2.SM2SignerOption)
	if !ok || o == nil {
		return nil, false
	}
	v := reflect.ValueOf(o).Elem()
	force := v.FieldByName("forceGMSign")
	uid := v.FieldByName("uid")
	if !force.IsValid() || force.Kind() != reflect.Bool || !uid.IsValid() || uid.Kind() != reflect.Slice {
		// Unknown layout: assume the documented default (force, default ID).
		return []byte(DefaultSM2SignerID), true
	}
	if !force.Bool() {
		return nil, false
	}
	id := uid.Bytes()
	if len(id) == 0 {
		id = []byte(DefaultSM2SignerID)
	}
	return append([]byte(nil), id...), true
}

// DefaultSM2SignerID is the SM2 signer ID of GM/T 0009 used when none is given.
const DefaultSM2SignerID = "1234567812345678"

// VerifyingKey wraps k so that every signature is checked with k's public
// key before it is returned; a bad one fails with ErrBadSignature and is
// never handed out.
func VerifyingKey(k Key) Key {
	if _, ok := k.(verifyingKey); ok {
		return k
	}
	return verifyingKey{k}
}

type verifyingKey struct{ Key }

// selfChecking is implemented by keys whose signatures are verified before
// they are returned.
type selfChecking interface{ VerifiesSignatures() bool }

// VerifiesSignatures reports that this key checks every signature.
func (verifyingKey) VerifiesSignatures() bool { return true }

// Verified reports whether every signature s returns has already been
// checked in software (s is a VerifyingKey, possibly inside other hsm
// wrappers). Code above hsm that would verify a fresh signature only to
// catch a faulty device may skip that second check for such keys.
func Verified(s crypto.Signer) bool {
	c, ok := s.(selfChecking)
	return ok && c.VerifiesSignatures()
}

func (v verifyingKey) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	sig, err := v.Key.Sign(rand, digest, opts)
	if err != nil {
		return nil, err
	}
	if err := VerifySignature(v.Key.Public(), digest, sig, opts); err != nil {
		return nil, fmt.Errorf("hsm: key %s (%s): %w", v.Key.ID(), v.Key.Algorithm(), err)
	}
	return sig, nil
}

// VerifyingBackend wraps b so that every key it returns is a VerifyingKey.
func VerifyingBackend(b Backend) Backend {
	if _, ok := b.(verifyingBackend); ok {
		return b
	}
	return verifyingBackend{b}
}

type verifyingBackend struct{ Backend }

func (v verifyingBackend) Generate(ctx context.Context, alg Algorithm, label string) (Key, error) {
	k, err := v.Backend.Generate(ctx, alg, label)
	if err != nil {
		return nil, err
	}
	return VerifyingKey(k), nil
}

func (v verifyingBackend) Find(ctx context.Context, id string) (Key, error) {
	k, err := v.Backend.Find(ctx, id)
	if err != nil {
		return nil, err
	}
	return VerifyingKey(k), nil
}

// Capabilities forwards to the wrapped backend.
func (v verifyingBackend) Capabilities(ctx context.Context) ([]Capability, error) {
	return Capabilities(ctx, v.Backend)
}

// Close forwards to the wrapped backend when it can be closed.
func (v verifyingBackend) Close() error { return closeBackend(v.Backend) }
