package app

import (
	"context"
	"io"

	"sihub/hsm"
)

// Device signatures are checked in software before use (issue 4: a token
// that does not know SM2 signs ECDSA on the SM2 curve and says nothing).
// The instance's own software keystore is no device: its keys sign in this
// process with the same library that would check them, so a second check
// finds nothing a device fault could cause and costs a verification (a
// fifth of a seal) per signature. inProcessBackend marks its keys as
// already checked (hsm.Verified), so neither hsm nor the CMS and QR code
// signers verify their signatures again. Keys of every other backend stay
// behind hsm.VerifyingBackend.

// checkedBackend wraps the instance's key backend: a device's keys check
// every signature (hsm.VerifyingBackend), the in-process keystore's are
// marked as checked.
func checkedBackend(b hsm.Backend, device bool) hsm.Backend {
	if device {
		return hsm.VerifyingBackend(b)
	}
	return inProcessBackend{b}
}

// inProcessBackend wraps the software keystore; see above.
type inProcessBackend struct{ hsm.Backend }

func (b inProcessBackend) Generate(ctx context.Context, alg hsm.Algorithm, label string) (hsm.Key, error) {
	k, err := b.Backend.Generate(ctx, alg, label)
	if err != nil {
		return nil, err
	}
	return inProcessKey{k}, nil
}

func (b inProcessBackend) Find(ctx context.Context, id string) (hsm.Key, error) {
	k, err := b.Backend.Find(ctx, id)
	if err != nil {
		return nil, err
	}
	return inProcessKey{k}, nil
}

// Capabilities forwards to the keystore.
func (b inProcessBackend) Capabilities(ctx context.Context) ([]hsm.Capability, error) {
	return hsm.Capabilities(ctx, b.Backend)
}

// Close forwards to the keystore when it can be closed.
func (b inProcessBackend) Close() error {
	if c, ok := b.Backend.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// inProcessKey is a key of the software keystore.
type inProcessKey struct{ hsm.Key }

// VerifiesSignatures reports that the key's signatures need no second
// check (see inProcessBackend).
func (inProcessKey) VerifiesSignatures() bool { return true }
