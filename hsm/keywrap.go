package hsm

import (
	"crypto"
	"crypto/aes"
	"crypto/rsa"
	_ "crypto/sha1" // OAEP hashes
	_ "crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Key transport for a key ceremony: a software key goes into a token
// without ever being in the clear outside the two ends.
//
// The format is PKCS #11's CKM_RSA_AES_KEY_WRAP (v2.40 §2.1.21):
//
//	RSA-OAEP(transport public key, K) ‖ AES-KWP(K, PKCS #8 private key)
//
// with K a fresh AES-256 key and AES-KWP the padded key wrap of RFC 5649.
// A token with CKM_RSA_AES_KEY_WRAP unwraps it in one call; others (SoftHSM2)
// in two (CKM_RSA_PKCS_OAEP for K, then CKM_AES_KEY_WRAP_PAD).

// ErrKeyWrap: a key could not be wrapped.
var ErrKeyWrap = errors.New("hsm: key wrap")

// maxWrapInput caps what is wrapped (a PKCS #8 RSA-4096 key is ~2.4 KB).
const maxWrapInput = 16 << 10

// WrapRSAAES wraps plaintext (a PKCS #8 private key) for transport to the
// holder of transport's private key; oaepHash is the OAEP and MGF1 hash
// (SoftHSM2 supports only SHA-1 there; OAEP with SHA-1 remains sound).
func WrapRSAAES(rand io.Reader, transport *rsa.PublicKey, oaepHash crypto.Hash, plaintext []byte) ([]byte, error) {
	if transport == nil || transport.N.BitLen() < 2048 {
		return nil, fmt.Errorf("%w: transport key must be RSA of at least 2048 bits", ErrKeyWrap)
	}
	if !oaepHash.Available() {
		return nil, fmt.Errorf("%w: OAEP hash %v not available", ErrKeyWrap, oaepHash)
	}
	k := make([]byte, 32)
	if _, err := io.ReadFull(rand, k); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyWrap, err)
	}
	defer clear(k)
	head, err := rsa.EncryptOAEP(oaepHash.New(), rand, transport, k, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: RSA-OAEP: %v", ErrKeyWrap, err)
	}
	tail, err := WrapKWP(k, plaintext)
	if err != nil {
		return nil, err
	}
	return append(head, tail...), nil
}

// WrapKWP is the AES key wrap with padding of RFC 5649 under kek (16, 24
// or 32 bytes).
func WrapKWP(kek, plaintext []byte) ([]byte, error) {
	if len(plaintext) == 0 || len(plaintext) > maxWrapInput {
		return nil, fmt.Errorf("%w: %d bytes to wrap", ErrKeyWrap, len(plaintext))
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyWrap, err)
	}
	var aiv [8]byte
	binary.BigEndian.PutUint32(aiv[:4], 0xA65959A6)
	binary.BigEndian.PutUint32(aiv[4:], uint32(len(plaintext)))
	padded := make([]byte, (len(plaintext)+7)/8*8)
	copy(padded, plaintext)
	defer clear(padded)
	var b [16]byte
	if len(padded) == 8 {
		copy(b[:8], aiv[:])
		copy(b[8:], padded)
		block.Encrypt(b[:], b[:])
		return append([]byte(nil), b[:]...), nil
	}
	// RFC 3394 §2.2.1 with the alternative initial value.
	n := len(padded) / 8
	out := make([]byte, 8+len(padded))
	a := aiv
	copy(out[8:], padded)
	for j := 0; j < 6; j++ {
		for i := 1; i <= n; i++ {
			r := out[8*i : 8*i+8]
			copy(b[:8], a[:])
			copy(b[8:], r)
			block.Encrypt(b[:], b[:])
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(a[:], binary.BigEndian.Uint64(b[:8])^t)
			copy(r, b[8:])
		}
	}
	copy(out[:8], a[:])
	clear(b[:])
	return out, nil
}
