//go:build cgo

package pkcs11

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"fmt"
	"io"

	"github.com/miekg/pkcs11"

	"sihub/hsm"
)

// key is a key pair on the token. Sign ignores rand: the token has its own.
type key struct {
	b     *Backend
	id    []byte
	hexID string
	alg   hsm.Algorithm
	label string
	pub   crypto.PublicKey
}

func (k *key) ID() string               { return k.hexID }
func (k *key) Algorithm() hsm.Algorithm { return k.alg }
func (k *key) Public() crypto.PublicKey { return k.pub }
func (k *key) String() string           { return "pkcs11:" + k.hexID }

// Sign signs digest as described in the package doc. The call runs under
// the pool's per-call timeout (there is no context in crypto.Signer).
func (k *key) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	mech, input, err := k.prepare(digest, opts)
	if err != nil {
		return nil, err
	}
	// The closure may outlive the call (timeout): it writes only out, which
	// is read after Do returned nil.
	var out []byte
	err = k.b.do(context.Background(), 0, func(s pkcs11.SessionHandle) error {
		h, err := k.b.privateHandle(s, k.id, k.hexID)
		if err != nil {
			return err
		}
		if err := k.b.mod.ctx.SignInit(s, []*pkcs11.Mechanism{mech}, h); err != nil {
			return fmt.Errorf("hsm/pkcs11: C_SignInit: %w", err)
		}
		sig, err := k.b.mod.ctx.Sign(s, input)
		if err != nil {
			return fmt.Errorf("hsm/pkcs11: C_Sign: %w", err)
		}
		out = sig
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hsm/pkcs11: key %s: %w", k.hexID, err)
	}
	switch k.alg {
	case hsm.P256:
		return ecSignatureDER(out, SigRaw, 32)
	case hsm.SM2:
		return ecSignatureDER(out, k.b.sm2.Output, 32)
	}
	return out, nil
}

// prepare chooses the mechanism and the bytes the token signs.
func (k *key) prepare(digest []byte, opts crypto.SignerOpts) (*pkcs11.Mechanism, []byte, error) {
	switch k.alg {
	case hsm.P256:
		if opts != nil && opts.HashFunc() != 0 && len(digest) != opts.HashFunc().Size() {
			return nil, nil, fmt.Errorf("hsm/pkcs11: digest is %d bytes, %v needs %d", len(digest), opts.HashFunc(), opts.HashFunc().Size())
		}
		return pkcs11.NewMechanism(pkcs11.CKM_ECDSA, nil), digest, nil
	case hsm.SM2:
		e, err := hsm.SM2Digest(k.pub.(*ecdsa.PublicKey), digest, opts)
		if err != nil {
			return nil, nil, err
		}
		return pkcs11.NewMechanism(k.b.sm2.Sign, nil), e, nil
	case hsm.RSA3072:
		if pss, ok := opts.(*rsa.PSSOptions); ok {
			h := pss.Hash
			mech, mgf, ok := pssParams(h)
			if !ok {
				return nil, nil, fmt.Errorf("hsm/pkcs11: RSA-PSS with hash %v is not supported", h)
			}
			if len(digest) != h.Size() {
				return nil, nil, fmt.Errorf("hsm/pkcs11: digest is %d bytes, %v needs %d", len(digest), h, h.Size())
			}
			salt := pss.SaltLength
			if salt == rsa.PSSSaltLengthAuto || salt == rsa.PSSSaltLengthEqualsHash {
				salt = h.Size()
			}
			if salt < 0 {
				return nil, nil, fmt.Errorf("hsm/pkcs11: RSA-PSS salt length %d", pss.SaltLength)
			}
			return pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS_PSS, pkcs11.NewPSSParams(mech, mgf, uint(salt))), digest, nil
		}
		if opts == nil {
			return nil, nil, fmt.Errorf("hsm/pkcs11: RSA PKCS #1 v1.5 needs the hash in opts")
		}
		in, err := digestInfo(opts.HashFunc(), digest)
		if err != nil {
			return nil, nil, err
		}
		return pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS, nil), in, nil
	}
	return nil, nil, fmt.Errorf("%w: %q", hsm.ErrUnsupported, k.alg)
}

func pssParams(h crypto.Hash) (hashMech, mgf uint, ok bool) {
	switch h {
	case crypto.SHA256:
		return pkcs11.CKM_SHA256, pkcs11.CKG_MGF1_SHA256, true
	case crypto.SHA384:
		return pkcs11.CKM_SHA384, pkcs11.CKG_MGF1_SHA384, true
	case crypto.SHA512:
		return pkcs11.CKM_SHA512, pkcs11.CKG_MGF1_SHA512, true
	}
	return 0, 0, false
}
