//go:build cgo

package pkcs11

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"

	"github.com/emmansun/gmsm/sm2"
	"github.com/miekg/pkcs11"
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"sihub/hsm"
)

// Generate creates a key pair on the token (token objects, private key
// sensitive and not extractable).
func (b *Backend) Generate(ctx context.Context, alg hsm.Algorithm, label string) (hsm.Key, error) {
	id, err := newKeyID()
	if err != nil {
		return nil, err
	}
	pub := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PUBLIC_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true),
		pkcs11.NewAttribute(pkcs11.CKA_ID, id),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
	}
	priv := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, false),
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),
		pkcs11.NewAttribute(pkcs11.CKA_ID, id),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
	}
	var mech uint
	switch alg {
	case hsm.P256:
		mech = pkcs11.CKM_EC_KEY_PAIR_GEN
		pub = append(pub, pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_EC), pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, oidP256))
		priv = append(priv, pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_EC))
	case hsm.RSA3072:
		mech = pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN
		pub = append(pub, pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_RSA),
			pkcs11.NewAttribute(pkcs11.CKA_MODULUS_BITS, 3072),
			pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, []byte{1, 0, 1}))
		priv = append(priv, pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_RSA))
	case hsm.SM2:
		if b.sm2 == nil {
			return nil, fmt.Errorf("%w: SM2 (no SM2 mechanism profile for this module)", hsm.ErrUnsupported)
		}
		mech = b.sm2.KeyGen
		pub = append(pub, pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, b.sm2.KeyType))
		if b.sm2.ECParams != nil {
			pub = append(pub, pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, b.sm2.ECParams))
		}
		priv = append(priv, pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, b.sm2.KeyType))
	default:
		return nil, fmt.Errorf("%w: %q", hsm.ErrUnsupported, alg)
	}
	var k *key
	err = b.do(ctx, b.slowTimeout(), func(s pkcs11.SessionHandle) error {
		pubH, privH, err := b.mod.ctx.GenerateKeyPair(s, []*pkcs11.Mechanism{pkcs11.NewMechanism(mech, nil)}, pub, priv)
		if err != nil {
			return fmt.Errorf("hsm/pkcs11: C_GenerateKeyPair (%s): %w", alg, err)
		}
		pk, err := b.publicKey(s, pubH, alg)
		if err != nil {
			return err
		}
		k = &key{b: b, id: id, hexID: hex.EncodeToString(id), alg: alg, label: label, pub: pk}
		b.cacheHandle(k.hexID, privH)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return hsm.VerifyingKey(k), nil
}

// Find returns the key whose CKA_ID is the hex id.
func (b *Backend) Find(ctx context.Context, id string) (hsm.Key, error) {
	raw, err := parseKeyID(id)
	if err != nil {
		return nil, err
	}
	var k *key
	err = b.do(ctx, 0, func(s pkcs11.SessionHandle) error {
		privs, err := b.find(s, pkcs11.CKO_PRIVATE_KEY, raw)
		if err != nil {
			return err
		}
		pubs, err := b.find(s, pkcs11.CKO_PUBLIC_KEY, raw)
		if err != nil {
			return err
		}
		if len(privs) == 0 || len(pubs) == 0 {
			return fmt.Errorf("%w: %s", hsm.ErrKeyNotFound, id)
		}
		info, err := b.info(s, privs[0])
		if err != nil {
			return err
		}
		pk, err := b.publicKey(s, pubs[0], info.Alg)
		if err != nil {
			return err
		}
		k = &key{b: b, id: raw, hexID: info.ID, alg: info.Alg, label: info.Label, pub: pk}
		b.cacheHandle(k.hexID, privs[0])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return hsm.VerifyingKey(k), nil
}

// List describes the token's private keys of the algorithms sihub uses;
// others (and keys without CKA_ID) are left out. CreatedAt is zero: PKCS#11
// keeps no creation time.
func (b *Backend) List(ctx context.Context) ([]hsm.KeyInfo, error) {
	var out []hsm.KeyInfo
	err := b.do(ctx, 0, func(s pkcs11.SessionHandle) error {
		var infos []hsm.KeyInfo
		hs, err := b.find(s, pkcs11.CKO_PRIVATE_KEY, nil)
		if err != nil {
			return err
		}
		for _, h := range hs {
			info, err := b.info(s, h)
			if errors.Is(err, hsm.ErrUnsupported) {
				continue
			}
			if err != nil {
				return err
			}
			infos = append(infos, info)
		}
		out = infos
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete destroys every object (private key, public key, certificates)
// with the key's CKA_ID.
func (b *Backend) Delete(ctx context.Context, id string) error {
	raw, err := parseKeyID(id)
	if err != nil {
		return err
	}
	return b.do(ctx, 0, func(s pkcs11.SessionHandle) error {
		hs, err := b.find(s, 0, raw)
		if err != nil {
			return err
		}
		if len(hs) == 0 {
			return fmt.Errorf("%w: %s", hsm.ErrKeyNotFound, id)
		}
		for _, h := range hs {
			if err := b.mod.ctx.DestroyObject(s, h); err != nil {
				return fmt.Errorf("hsm/pkcs11: C_DestroyObject: %w", err)
			}
		}
		b.mu.Lock()
		delete(b.handles, id)
		b.mu.Unlock()
		return nil
	})
}

// maxObjects caps a search.
const maxObjects = 10000

// find returns the objects of class (0: any) with CKA_ID id (nil: any).
func (b *Backend) find(s pkcs11.SessionHandle, class uint, id []byte) ([]pkcs11.ObjectHandle, error) {
	var tmpl []*pkcs11.Attribute
	if class != 0 {
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_CLASS, class))
	}
	if id != nil {
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_ID, id))
	}
	c := b.mod.ctx
	if err := c.FindObjectsInit(s, tmpl); err != nil {
		return nil, fmt.Errorf("hsm/pkcs11: C_FindObjectsInit: %w", err)
	}
	var out []pkcs11.ObjectHandle
	for len(out) < maxObjects {
		hs, _, err := c.FindObjects(s, 100)
		if err != nil {
			_ = c.FindObjectsFinal(s)
			return nil, fmt.Errorf("hsm/pkcs11: C_FindObjects: %w", err)
		}
		if len(hs) == 0 {
			break
		}
		out = append(out, hs...)
	}
	if err := c.FindObjectsFinal(s); err != nil {
		return nil, fmt.Errorf("hsm/pkcs11: C_FindObjectsFinal: %w", err)
	}
	return out, nil
}

// info reads a private key's id, label and algorithm.
func (b *Backend) info(s pkcs11.SessionHandle, h pkcs11.ObjectHandle) (hsm.KeyInfo, error) {
	attrs, err := b.mod.ctx.GetAttributeValue(s, h, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_ID, nil),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, nil),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, nil),
	})
	if err != nil {
		return hsm.KeyInfo{}, fmt.Errorf("hsm/pkcs11: C_GetAttributeValue: %w", err)
	}
	id, label, kt := attrs[0].Value, string(attrs[1].Value), attrUint(attrs[2].Value)
	if len(id) == 0 || isTransport(id) {
		return hsm.KeyInfo{}, fmt.Errorf("%w: key without CKA_ID or not for signing", hsm.ErrUnsupported)
	}
	info := hsm.KeyInfo{ID: hex.EncodeToString(id), Label: label}
	var params []byte
	if kt == pkcs11.CKK_EC {
		a, err := b.mod.ctx.GetAttributeValue(s, h, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, nil)})
		if err != nil {
			return hsm.KeyInfo{}, fmt.Errorf("hsm/pkcs11: C_GetAttributeValue (CKA_EC_PARAMS): %w", err)
		}
		params = a[0].Value
	}
	switch {
	case b.sm2 != nil && kt == b.sm2.KeyType && (kt != pkcs11.CKK_EC || bytes.Equal(params, oidSM2Curve)):
		info.Alg = hsm.SM2
	case kt == pkcs11.CKK_EC && bytes.Equal(params, oidP256):
		info.Alg = hsm.P256
	case kt == pkcs11.CKK_RSA:
		a, err := b.mod.ctx.GetAttributeValue(s, h, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_MODULUS, nil)})
		if err != nil {
			return hsm.KeyInfo{}, fmt.Errorf("hsm/pkcs11: C_GetAttributeValue (CKA_MODULUS): %w", err)
		}
		if bits := new(big.Int).SetBytes(a[0].Value).BitLen(); bits != 3072 {
			return hsm.KeyInfo{}, fmt.Errorf("%w: RSA key of %d bits", hsm.ErrUnsupported, bits)
		}
		info.Alg = hsm.RSA3072
	default:
		return hsm.KeyInfo{}, fmt.Errorf("%w: key type %#x", hsm.ErrUnsupported, kt)
	}
	return info, nil
}

// publicKey reads the public key object h of algorithm alg.
func (b *Backend) publicKey(s pkcs11.SessionHandle, h pkcs11.ObjectHandle, alg hsm.Algorithm) (crypto.PublicKey, error) {
	c := b.mod.ctx
	switch alg {
	case hsm.RSA3072:
		a, err := c.GetAttributeValue(s, h, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_MODULUS, nil),
			pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, nil),
		})
		if err != nil {
			return nil, fmt.Errorf("hsm/pkcs11: C_GetAttributeValue (RSA public key): %w", err)
		}
		n := new(big.Int).SetBytes(a[0].Value)
		e := new(big.Int).SetBytes(a[1].Value)
		if n.BitLen() != 3072 || !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 {
			return nil, fmt.Errorf("%w: RSA key of %d bits", hsm.ErrUnsupported, n.BitLen())
		}
		return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
	case hsm.P256, hsm.SM2:
		a, err := c.GetAttributeValue(s, h, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_EC_POINT, nil)})
		if err != nil {
			return nil, fmt.Errorf("hsm/pkcs11: C_GetAttributeValue (CKA_EC_POINT): %w", err)
		}
		return ecPublicKey(a[0].Value, alg)
	}
	return nil, fmt.Errorf("%w: %q", hsm.ErrUnsupported, alg)
}

// ecPublicKey decodes CKA_EC_POINT: a DER OCTET STRING holding the
// uncompressed point (the standard), or the bare point (some vendors).
func ecPublicKey(v []byte, alg hsm.Algorithm) (*ecdsa.PublicKey, error) {
	point := v
	if len(v) != 65 || v[0] != 4 {
		in := cryptobyte.String(v)
		var inner cryptobyte.String
		if !in.ReadASN1(&inner, asn1.OCTET_STRING) || !in.Empty() {
			return nil, fmt.Errorf("hsm/pkcs11: CKA_EC_POINT is neither a point nor an OCTET STRING")
		}
		point = inner
	}
	if alg == hsm.SM2 {
		pk, err := sm2.NewPublicKey(point)
		if err != nil {
			return nil, fmt.Errorf("hsm/pkcs11: SM2 public key: %w", err)
		}
		return pk, nil
	}
	pk, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return nil, fmt.Errorf("hsm/pkcs11: P-256 public key: %w", err)
	}
	return pk, nil
}

func attrUint(v []byte) uint {
	// CK_ULONG in host byte order (little-endian on the platforms sihub runs on).
	var n uint
	for i := len(v) - 1; i >= 0; i-- {
		n = n<<8 | uint(v[i])
	}
	return n
}

func (b *Backend) cacheHandle(id string, h pkcs11.ObjectHandle) {
	b.mu.Lock()
	b.handles[id] = h
	b.mu.Unlock()
}

// privateHandle returns the private key handle of id, searching the token
// when the cache (cleared on every re-initialisation) does not have it.
func (b *Backend) privateHandle(s pkcs11.SessionHandle, id []byte, hexID string) (pkcs11.ObjectHandle, error) {
	b.mu.Lock()
	h, ok := b.handles[hexID]
	b.mu.Unlock()
	if ok {
		return h, nil
	}
	hs, err := b.find(s, pkcs11.CKO_PRIVATE_KEY, id)
	if err != nil {
		return 0, err
	}
	if len(hs) == 0 {
		return 0, fmt.Errorf("%w: %s", hsm.ErrKeyNotFound, hexID)
	}
	b.cacheHandle(hexID, hs[0])
	return hs[0], nil
}
