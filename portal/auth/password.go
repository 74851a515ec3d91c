package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Errors.
var (
	// ErrMalformedHash: the stored string is not an argon2id PHC string
	// within the accepted bounds.
	ErrMalformedHash = errors.New("auth: malformed password hash")
	// ErrPasswordTooLong: the password exceeds MaxPasswordBytes.
	ErrPasswordTooLong = errors.New("auth: password too long")
)

// Bounds applied to parameters, both when hashing and when reading a
// stored hash.
const (
	MaxPasswordBytes = 1024
	MaxMemoryKiB     = 256 * 1024 // 256 MiB
	MaxTime          = 16
	MaxThreads       = 16
	minSaltLen       = 8
	maxSaltLen       = 64
	minKeyLen        = 16
	maxKeyLen        = 64
	maxEncodedLen    = 256
)

// Params are argon2id cost parameters.
type Params struct {
	MemoryKiB uint32 // memory in KiB
	Time      uint32 // passes
	Threads   uint8  // lanes
	SaltLen   int    // bytes of random salt
	KeyLen    int    // bytes of derived hash
}

// DefaultParams follow the OWASP password storage recommendation for
// argon2id (19 MiB, 2 passes, 1 lane), 16-byte salt, 32-byte hash.
var DefaultParams = Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

func (p Params) validate() error {
	if p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > MaxMemoryKiB ||
		p.Time < 1 || p.Time > MaxTime ||
		p.Threads < 1 || p.Threads > MaxThreads ||
		p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen ||
		p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen {
		return fmt.Errorf("%w: parameters out of bounds", ErrMalformedHash)
	}
	return nil
}

// HashPassword hashes password with DefaultParams and a random salt from
// crypto/rand.
func HashPassword(password string) (string, error) {
	return HashPasswordWith(DefaultParams, password, rand.Reader)
}

// HashPasswordWith hashes password with the given parameters and a salt
// read from random.
func HashPasswordWith(p Params, password string, random io.Reader) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	if err := p.validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := io.ReadFull(random, salt); err != nil {
		return "", fmt.Errorf("auth: reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(p.KeyLen))
	return encode(p, salt, key), nil
}

// CheckPassword reports whether password matches the encoded argon2id
// hash. The comparison of the derived keys is constant-time. A malformed
// encoded string is ErrMalformedHash (and false).
func CheckPassword(encoded, password string) (bool, error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > MaxPasswordBytes {
		return false, nil
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

var b64 = base64.RawStdEncoding

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses and bounds-checks a PHC argon2id string.
func decode(s string) (Params, []byte, []byte, error) {
	var p Params
	if len(s) > maxEncodedLen {
		return p, nil, nil, fmt.Errorf("%w: too long", ErrMalformedHash)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("%w: not an argon2id string", ErrMalformedHash)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: unsupported version", ErrMalformedHash)
	}
	var m, t, th uint64
	for i, kv := range strings.Split(parts[3], ",") {
		name, val, ok := strings.Cut(kv, "=")
		want := [...]string{"m", "t", "p"}
		if !ok || i >= len(want) || name != want[i] {
			return p, nil, nil, fmt.Errorf("%w: parameters", ErrMalformedHash)
		}
		n, err := strconv.ParseUint(val, 10, 32)
		if err != nil || (len(val) > 1 && val[0] == '0') {
			return p, nil, nil, fmt.Errorf("%w: parameter %s", ErrMalformedHash, name)
		}
		switch name {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			th = n
		}
	}
	if m == 0 || t == 0 || th == 0 || th > MaxThreads {
		return p, nil, nil, fmt.Errorf("%w: parameters", ErrMalformedHash)
	}
	// The decoder skips CR and LF; a stored hash never has them.
	if strings.ContainsAny(parts[4]+parts[5], "\r\n") {
		return p, nil, nil, fmt.Errorf("%w: line breaks", ErrMalformedHash)
	}
	salt, err := b64.Strict().DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, fmt.Errorf("%w: salt", ErrMalformedHash)
	}
	key, err := b64.Strict().DecodeString(parts[5])
	if err != nil {
		return p, nil, nil, fmt.Errorf("%w: hash", ErrMalformedHash)
	}
	p = Params{MemoryKiB: uint32(m), Time: uint32(t), Threads: uint8(th), SaltLen: len(salt), KeyLen: len(key)}
	if err := p.validate(); err != nil {
		return p, nil, nil, err
	}
	return p, salt, key, nil
}
