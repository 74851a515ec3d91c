package soft

import (
	"context"
	"crypto"
	"crypto/rsa"
	"fmt"

	"github.com/emmansun/gmsm/smx509"

	"sihub/hsm"
)

// ExportWrapped returns key id's PKCS #8 wrapped for transport to the
// holder of transport's private key (hsm.WrapRSAAES: RSA-OAEP with
// oaepHash ‖ AES-KWP), and its public key, for import into a token in a
// key ceremony. The plaintext exists only in memory and is cleared after.
func (b *Backend) ExportWrapped(ctx context.Context, id string, transport *rsa.PublicKey, oaepHash crypto.Hash) ([]byte, crypto.PublicKey, error) {
	k, err := b.Find(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	sk, ok := k.(*key)
	if !ok {
		return nil, nil, fmt.Errorf("hsm/soft: key %s cannot be exported", id)
	}
	der, err := smx509.MarshalPKCS8PrivateKey(sk.signer)
	if err != nil {
		return nil, nil, fmt.Errorf("hsm/soft: key %s: PKCS #8: %w", id, err)
	}
	defer clear(der)
	wrapped, err := hsm.WrapRSAAES(b.rand, transport, oaepHash, der)
	if err != nil {
		return nil, nil, fmt.Errorf("hsm/soft: key %s: %w", id, err)
	}
	return wrapped, sk.Public(), nil
}
