//go:build cgo

package pkcs11

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"

	"github.com/miekg/pkcs11"
	"golang.org/x/crypto/cryptobyte"

	"sihub/hsm"
)

// transportID is the CKA_ID of the token's key-transport pair; List and
// Find leave it out (it cannot sign).
var transportID = []byte("sihub-transport")

// TransportKey returns the public half of the token's key-transport pair
// (RSA-3072, private half with CKA_UNWRAP only), generating it on first use.
func (b *Backend) TransportKey(ctx context.Context) (*rsa.PublicKey, error) {
	var pub *rsa.PublicKey
	err := b.do(ctx, b.slowTimeout(), func(s pkcs11.SessionHandle) error {
		hs, err := b.find(s, pkcs11.CKO_PUBLIC_KEY, transportID)
		if err != nil {
			return err
		}
		var h pkcs11.ObjectHandle
		if len(hs) > 0 {
			h = hs[0]
		} else {
			h, _, err = b.mod.ctx.GenerateKeyPair(s, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN, nil)},
				[]*pkcs11.Attribute{
					pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true), pkcs11.NewAttribute(pkcs11.CKA_ID, transportID),
					pkcs11.NewAttribute(pkcs11.CKA_LABEL, string(transportID)), pkcs11.NewAttribute(pkcs11.CKA_WRAP, true),
					pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, true), pkcs11.NewAttribute(pkcs11.CKA_VERIFY, false),
					pkcs11.NewAttribute(pkcs11.CKA_MODULUS_BITS, 3072), pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, []byte{1, 0, 1}),
				},
				[]*pkcs11.Attribute{
					pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true), pkcs11.NewAttribute(pkcs11.CKA_ID, transportID),
					pkcs11.NewAttribute(pkcs11.CKA_LABEL, string(transportID)), pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
					pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true), pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, false),
					pkcs11.NewAttribute(pkcs11.CKA_UNWRAP, true), pkcs11.NewAttribute(pkcs11.CKA_DECRYPT, true),
					pkcs11.NewAttribute(pkcs11.CKA_SIGN, false),
				})
			if err != nil {
				return fmt.Errorf("hsm/pkcs11: transport key: C_GenerateKeyPair: %w", err)
			}
		}
		pk, err := b.publicKey(s, h, hsm.RSA3072)
		if err != nil {
			return err
		}
		pub = pk.(*rsa.PublicKey)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pub, nil
}

// ImportWrapped unwraps into the token a key that hsm.WrapRSAAES wrapped
// under TransportKey (oaepHash as used there; SHA-1 for SoftHSM2): first the
// AES key with CKM_RSA_PKCS_OAEP (a session object, destroyed after), then
// the PKCS #8 private key with CKM_AES_KEY_WRAP_PAD as a sensitive,
// non-extractable token key. The public object is created from pub, and a
// test signature proves the pair before the key is returned. P-256 and
// RSA-3072 (SM2 needs a token with an SM2 profile and is not imported here).
func (b *Backend) ImportWrapped(ctx context.Context, label string, pub crypto.PublicKey, wrapped []byte, oaepHash crypto.Hash) (hsm.Key, error) {
	var alg hsm.Algorithm
	var keyType uint
	var pubAttrs []*pkcs11.Attribute
	switch p := pub.(type) {
	case *ecdsa.PublicKey:
		if p.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: importing EC keys other than P-256", hsm.ErrUnsupported)
		}
		point, err := p.Bytes()
		if err != nil {
			return nil, fmt.Errorf("hsm/pkcs11: import: %w", err)
		}
		var ob cryptobyte.Builder
		ob.AddASN1OctetString(point)
		alg, keyType = hsm.P256, pkcs11.CKK_EC
		pubAttrs = []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, oidP256), pkcs11.NewAttribute(pkcs11.CKA_EC_POINT, ob.BytesOrPanic())}
	case *rsa.PublicKey:
		if p.N.BitLen() != 3072 {
			return nil, fmt.Errorf("%w: importing RSA keys of %d bits", hsm.ErrUnsupported, p.N.BitLen())
		}
		alg, keyType = hsm.RSA3072, pkcs11.CKK_RSA
		pubAttrs = []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_MODULUS, p.N.Bytes()),
			pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, big.NewInt(int64(p.E)).Bytes())}
	default:
		return nil, fmt.Errorf("%w: importing %T", hsm.ErrUnsupported, pub)
	}
	hashMech, mgf, ok := oaepParams(oaepHash)
	if !ok {
		return nil, fmt.Errorf("%w: OAEP with %v", hsm.ErrUnsupported, oaepHash)
	}
	id, err := newKeyID()
	if err != nil {
		return nil, err
	}
	var k *key
	err = b.do(ctx, b.slowTimeout(), func(s pkcs11.SessionHandle) error {
		c := b.mod.ctx
		ths, err := b.find(s, pkcs11.CKO_PRIVATE_KEY, transportID)
		if err != nil {
			return err
		}
		if len(ths) == 0 {
			return fmt.Errorf("%w: no transport key on the token (call TransportKey first)", hsm.ErrKeyNotFound)
		}
		tps, err := b.find(s, pkcs11.CKO_PUBLIC_KEY, transportID)
		if err != nil {
			return err
		}
		if len(tps) == 0 {
			return fmt.Errorf("%w: the transport key has no public object", hsm.ErrKeyNotFound)
		}
		tp, err := b.publicKey(s, tps[0], hsm.RSA3072)
		if err != nil {
			return err
		}
		n := (tp.(*rsa.PublicKey).N.BitLen() + 7) / 8
		if len(wrapped) <= n+8 {
			return fmt.Errorf("hsm/pkcs11: import: wrapped key of %d bytes is too short", len(wrapped))
		}
		oaep := pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS_OAEP, pkcs11.NewOAEPParams(hashMech, mgf, pkcs11.CKZ_DATA_SPECIFIED, nil))
		aesH, err := c.UnwrapKey(s, []*pkcs11.Mechanism{oaep}, ths[0], wrapped[:n], []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY), pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),
			pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false), pkcs11.NewAttribute(pkcs11.CKA_UNWRAP, true),
			pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true), pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, false),
		})
		if err != nil {
			return fmt.Errorf("hsm/pkcs11: import: unwrap the transport AES key: %w", err)
		}
		defer c.DestroyObject(s, aesH)
		privH, err := c.UnwrapKey(s, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_AES_KEY_WRAP_PAD, nil)}, aesH, wrapped[n:], []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY), pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, keyType),
			pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true), pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
			pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true), pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, false),
			pkcs11.NewAttribute(pkcs11.CKA_SIGN, true), pkcs11.NewAttribute(pkcs11.CKA_ID, id),
			pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
		})
		if err != nil {
			return fmt.Errorf("hsm/pkcs11: import: unwrap the private key: %w", err)
		}
		_, err = c.CreateObject(s, append([]*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PUBLIC_KEY), pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, keyType),
			pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true), pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true),
			pkcs11.NewAttribute(pkcs11.CKA_ID, id), pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
		}, pubAttrs...))
		if err != nil {
			_ = c.DestroyObject(s, privH)
			return fmt.Errorf("hsm/pkcs11: import: public key object: %w", err)
		}
		k = &key{b: b, id: id, hexID: hex.EncodeToString(id), alg: alg, label: label, pub: pub}
		b.cacheHandle(k.hexID, privH)
		return nil
	})
	if err != nil {
		return nil, err
	}
	vk := hsm.VerifyingKey(k)
	probe := sha256.Sum256([]byte("sihub key import check"))
	if _, err := vk.Sign(rand.Reader, probe[:], crypto.SHA256); err != nil {
		_ = b.Delete(ctx, k.hexID)
		return nil, fmt.Errorf("hsm/pkcs11: import: the unwrapped key does not match its public key: %w", err)
	}
	return vk, nil
}

func oaepParams(h crypto.Hash) (hashMech, mgf uint, ok bool) {
	switch h {
	case crypto.SHA1:
		return pkcs11.CKM_SHA_1, pkcs11.CKG_MGF1_SHA1, true
	case crypto.SHA256:
		return pkcs11.CKM_SHA256, pkcs11.CKG_MGF1_SHA256, true
	}
	return 0, 0, false
}

// isTransport reports whether a CKA_ID is the transport pair's.
func isTransport(id []byte) bool { return bytes.Equal(id, transportID) }
