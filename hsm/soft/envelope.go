package soft

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/sm4"

	"sihub/hsm"
)

// Envelope format identifier; the first field of every wrapped key.
const envelopeFormat = "sihub-wrapped-key/1"

// MaxEnvelopeSize caps what parseEnvelope reads: a wrapped RSA-3072 key is
// about 3 KiB, so 64 KiB leaves ample room.
const MaxEnvelopeSize = 64 << 10

// Cipher names the AEAD that wraps keys.
type Cipher string

// Ciphers.
const (
	SM4GCM    Cipher = "sm4-gcm"     // GB/T 32907 block cipher in GCM, 128-bit key (default)
	AES256GCM Cipher = "aes-256-gcm" // AES-256 in GCM
)

func (c Cipher) keyLen() (int, error) {
	switch c {
	case SM4GCM:
		return 16, nil
	case AES256GCM:
		return 32, nil
	}
	return 0, fmt.Errorf("hsm/soft: unknown cipher %q", string(c))
}

func (c Cipher) aead(kek []byte) (cipher.AEAD, error) {
	var (
		b   cipher.Block
		err error
	)
	switch c {
	case SM4GCM:
		b, err = sm4.NewCipher(kek)
	case AES256GCM:
		b, err = aes.NewCipher(kek)
	default:
		return nil, fmt.Errorf("hsm/soft: unknown cipher %q", string(c))
	}
	if err != nil {
		return nil, fmt.Errorf("hsm/soft: %s: %w", c, err)
	}
	return cipher.NewGCM(b)
}

// envelope is the self-describing wrapped form of one private key, stored
// as JSON in model.KeyBlob.Wrapped:
//
//	{"format":"sihub-wrapped-key/1","kdf":"argon2id","time":1,"memory_kib":65536,
//	 "threads":2,"salt":"…","cipher":"sm4-gcm","nonce":"…","ciphertext":"…"}
//
// The ciphertext is the PKCS #8 DER of the key sealed with the cipher under
// the KEK derived from the passphrase, salt and parameters; the additional
// data binds the key id and algorithm (see additionalData).
type envelope struct {
	Format     string `json:"format"`
	KDF        string `json:"kdf"`
	Time       uint32 `json:"time"`
	MemoryKiB  uint32 `json:"memory_kib"`
	Threads    uint8  `json:"threads"`
	Salt       []byte `json:"salt"`
	Cipher     Cipher `json:"cipher"`
	Nonce      []byte `json:"nonce"`
	Ciphertext []byte `json:"ciphertext"`
}

func (e *envelope) params() KDFParams {
	return KDFParams{Time: e.Time, MemoryKiB: e.MemoryKiB, Threads: e.Threads}
}

// additionalData binds a wrapped key to its id and algorithm: moving a blob
// to another id or relabelling its algorithm makes unwrapping fail.
func additionalData(id string, alg hsm.Algorithm) []byte {
	var b bytes.Buffer
	b.WriteString(envelopeFormat)
	b.WriteByte(0)
	b.WriteString(id)
	b.WriteByte(0)
	b.WriteString(string(alg))
	return b.Bytes()
}

// parseEnvelope decodes and checks a wrapped key. Every failure wraps
// hsm.ErrWrongPassword: a blob that does not parse has been tampered with.
func parseEnvelope(data []byte) (*envelope, error) {
	if len(data) > MaxEnvelopeSize {
		return nil, tampered("wrapped key is %d bytes, more than %d", len(data), MaxEnvelopeSize)
	}
	var e envelope
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return nil, tampered("wrapped key is not a valid envelope: %v", err)
	}
	if dec.More() {
		return nil, tampered("trailing data after the envelope")
	}
	if e.Format != envelopeFormat {
		return nil, tampered("envelope format %q, want %q", e.Format, envelopeFormat)
	}
	if e.KDF != kdfArgon2id {
		return nil, tampered("key derivation %q, want %q", e.KDF, kdfArgon2id)
	}
	if err := e.params().check(); err != nil {
		return nil, tampered("%s", strings.TrimPrefix(err.Error(), "hsm/soft: "))
	}
	if len(e.Salt) < minSaltLen || len(e.Salt) > 64 {
		return nil, tampered("salt of %d bytes, want %d to 64", len(e.Salt), minSaltLen)
	}
	if _, err := e.Cipher.keyLen(); err != nil {
		return nil, tampered("%s", strings.TrimPrefix(err.Error(), "hsm/soft: "))
	}
	if len(e.Nonce) != nonceLen {
		return nil, tampered("nonce of %d bytes, want %d", len(e.Nonce), nonceLen)
	}
	if len(e.Ciphertext) < 16 {
		return nil, tampered("ciphertext of %d bytes is shorter than the GCM tag", len(e.Ciphertext))
	}
	return &e, nil
}

const (
	nonceLen   = 12
	minSaltLen = 16
)

// tampered reports a malformed envelope; it wraps hsm.ErrWrongPassword.
func tampered(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, hsm.ErrWrongPassword)...)
}
