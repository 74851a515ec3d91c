package soft

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"

	"github.com/emmansun/gmsm/sm2"

	"sihub/hsm"
)

// key is a parsed software key. SM2 keys pass opts straight to gmsm, so
// sm2.DefaultSM2SignerOpts makes them compute SM3(Z‖M) with the default
// signer ID.
type key struct {
	id     string
	alg    hsm.Algorithm
	signer crypto.Signer
}

func (k *key) ID() string               { return k.id }
func (k *key) Algorithm() hsm.Algorithm { return k.alg }
func (k *key) Public() crypto.PublicKey { return k.signer.Public() }
func (k *key) String() string           { return "soft:" + k.id }
func (k *key) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if r == nil {
		r = rand.Reader
	}
	sig, err := k.signer.Sign(r, digest, opts)
	if err != nil {
		return nil, fmt.Errorf("hsm/soft: key %s: sign: %w", k.id, err)
	}
	return sig, nil
}

// generateKey makes a fresh private key of alg.
func generateKey(r io.Reader, alg hsm.Algorithm) (crypto.Signer, error) {
	switch alg {
	case hsm.SM2:
		return sm2.GenerateKey(r)
	case hsm.P256:
		return ecdsa.GenerateKey(elliptic.P256(), r)
	case hsm.RSA3072:
		return rsa.GenerateKey(r, 3072)
	}
	return nil, fmt.Errorf("hsm/soft: algorithm %q: %w", string(alg), hsm.ErrUnsupported)
}

// checkKeyAlg makes sure a parsed key is of the algorithm its blob names.
func checkKeyAlg(k any, alg hsm.Algorithm) (crypto.Signer, error) {
	switch k := k.(type) {
	case *sm2.PrivateKey:
		if alg == hsm.SM2 {
			return k, nil
		}
	case *ecdsa.PrivateKey:
		if alg == hsm.P256 && k.Curve == elliptic.P256() {
			return k, nil
		}
	case *rsa.PrivateKey:
		if alg == hsm.RSA3072 && k.N.BitLen() == 3072 {
			return k, nil
		}
	}
	return nil, fmt.Errorf("unwrapped a %T where the blob says %s: %w", k, alg, hsm.ErrWrongPassword)
}
