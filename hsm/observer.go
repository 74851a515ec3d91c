package hsm

import (
	"context"
	"crypto"
	"io"
)

// Observer is told about every key operation of an observed backend:
// op is "generate", "find", "list", "delete" or "sign"; keyID is empty for
// list; err is the operation's outcome. It must not block for long. The
// audit trail connects here; the caller identity travels in ctx (see
// WithCaller). No PIN, passphrase or key material is ever passed.
type Observer func(ctx context.Context, keyID, op string, err error)

// Key operations reported to an Observer.
const (
	OpGenerate = "generate"
	OpFind     = "find"
	OpList     = "list"
	OpDelete   = "delete"
	OpSign     = "sign"
)

type callerKey struct{}

// WithCaller returns ctx carrying the identity of whoever uses keys (a user,
// a batch job); observers read it with CallerFrom.
func WithCaller(ctx context.Context, caller string) context.Context {
	return context.WithValue(ctx, callerKey{}, caller)
}

// CallerFrom returns the caller set by WithCaller, or "".
func CallerFrom(ctx context.Context) string {
	s, _ := ctx.Value(callerKey{}).(string)
	return s
}

// ObservedBackend wraps b so that obs sees every operation. Sign has no
// context of its own (crypto.Signer), so a key reports its signatures with
// the context it was found or generated with.
func ObservedBackend(b Backend, obs Observer) Backend {
	if obs == nil {
		return b
	}
	return observedBackend{b, obs}
}

type observedBackend struct {
	Backend
	obs Observer
}

func (o observedBackend) Generate(ctx context.Context, alg Algorithm, label string) (Key, error) {
	k, err := o.Backend.Generate(ctx, alg, label)
	id := ""
	if k != nil {
		id = k.ID()
	}
	o.obs(ctx, id, OpGenerate, err)
	if err != nil {
		return nil, err
	}
	return observedKey{k, ctx, o.obs}, nil
}

func (o observedBackend) Find(ctx context.Context, id string) (Key, error) {
	k, err := o.Backend.Find(ctx, id)
	o.obs(ctx, id, OpFind, err)
	if err != nil {
		return nil, err
	}
	return observedKey{k, ctx, o.obs}, nil
}

func (o observedBackend) List(ctx context.Context) ([]KeyInfo, error) {
	l, err := o.Backend.List(ctx)
	o.obs(ctx, "", OpList, err)
	return l, err
}

func (o observedBackend) Delete(ctx context.Context, id string) error {
	err := o.Backend.Delete(ctx, id)
	o.obs(ctx, id, OpDelete, err)
	return err
}

// Capabilities forwards to the wrapped backend.
func (o observedBackend) Capabilities(ctx context.Context) ([]Capability, error) {
	return Capabilities(ctx, o.Backend)
}

// Close forwards to the wrapped backend when it can be closed.
func (o observedBackend) Close() error { return closeBackend(o.Backend) }

type observedKey struct {
	Key
	ctx context.Context
	obs Observer
}

// VerifiesSignatures passes on whether the observed key checks its signatures.
func (k observedKey) VerifiesSignatures() bool { return Verified(k.Key) }

func (k observedKey) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	sig, err := k.Key.Sign(r, digest, opts)
	k.obs(k.ctx, k.Key.ID(), OpSign, err)
	return sig, err
}

func closeBackend(b Backend) error {
	if c, ok := b.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
