package soft

import "crypto/subtle"

// DevelopmentPassphrase is the passphrase of the development keystore that
// `sihub serve` uses when none is configured. Keys under it are not secret.
const DevelopmentPassphrase = "sihub-development-only"

// IsDevelopmentPassphrase reports whether p is DevelopmentPassphrase (or
// empty), so the server can warn that its keys are not protected.
func IsDevelopmentPassphrase(p []byte) bool {
	return len(p) == 0 || subtle.ConstantTimeCompare(p, []byte(DevelopmentPassphrase)) == 1
}
