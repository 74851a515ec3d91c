package hsm

import (
	"crypto"
	"crypto/ecdsa"
	"fmt"

	"github.com/emmansun/gmsm/sm2"
)

// SM2Digest returns the 32-byte value e an SM2 device signs, the way an SM2
// crypto.Signer reads (digest, opts): when opts is an *sm2.SM2SignerOption
// that forces GM signing, digest is the whole message and e = SM3(Z‖M) with
// the option's signer ID (default DefaultSM2SignerID); otherwise digest
// must already be e (32 bytes).
func SM2Digest(pub *ecdsa.PublicKey, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if uid, ok := sm2UID(opts); ok {
		e, err := sm2.CalculateSM2Hash(pub, digest, uid)
		if err != nil {
			return nil, fmt.Errorf("hsm: SM3(Z‖M): %w", err)
		}
		return e, nil
	}
	if len(digest) != 32 {
		return nil, fmt.Errorf("hsm: SM2 digest must be e = SM3(Z‖M), 32 bytes, got %d", len(digest))
	}
	return digest, nil
}

// SM2SignerID reports the signer ID when opts ask an SM2 key to compute
// SM3(Z‖M) itself (an *sm2.SM2SignerOption forcing GM signing; the default
// ID when it names none), and false otherwise.
func SM2SignerID(opts crypto.SignerOpts) ([]byte, bool) { return sm2UID(opts) }
