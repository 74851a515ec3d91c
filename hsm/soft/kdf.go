package soft

import (
	"fmt"

	"golang.org/x/crypto/argon2"
)

const kdfArgon2id = "argon2id"

// KDFParams are the argon2id parameters that turn the passphrase into the
// key-encryption key. They are written into every envelope, so a keystore
// can change them for new keys and still open old ones.
type KDFParams struct {
	Time      uint32 // passes; default 1
	MemoryKiB uint32 // memory in KiB; default 64 MiB
	Threads   uint8  // lanes; default 2
}

// DefaultKDFParams: argon2id with 1 pass over 64 MiB on 2 lanes (about
// 0.1 s on one core, paid once per keystore open).
var DefaultKDFParams = KDFParams{Time: 1, MemoryKiB: 64 << 10, Threads: 2}

// Limits on parameters read from an envelope, so that a tampered blob cannot
// make Open spend gigabytes or minutes.
const (
	maxKDFTime      = 16
	maxKDFMemoryKiB = 1 << 20 // 1 GiB
	maxKDFThreads   = 16
)

func (p KDFParams) withDefaults() KDFParams {
	if p == (KDFParams{}) {
		return DefaultKDFParams
	}
	return p
}

func (p KDFParams) check() error {
	switch {
	case p.Time < 1 || p.Time > maxKDFTime:
		return fmt.Errorf("hsm/soft: argon2id time %d outside 1..%d", p.Time, maxKDFTime)
	case p.Threads < 1 || p.Threads > maxKDFThreads:
		return fmt.Errorf("hsm/soft: argon2id threads %d outside 1..%d", p.Threads, maxKDFThreads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxKDFMemoryKiB:
		return fmt.Errorf("hsm/soft: argon2id memory %d KiB outside %d..%d", p.MemoryKiB, 8*uint32(p.Threads), maxKDFMemoryKiB)
	}
	return nil
}

// kekID names one derived key-encryption key in the cache.
type kekID struct {
	params KDFParams
	salt   string
	keyLen int
}

func deriveKEK(passphrase []byte, id kekID) []byte {
	return argon2.IDKey(passphrase, []byte(id.salt), id.params.Time, id.params.MemoryKiB, id.params.Threads, uint32(id.keyLen))
}
