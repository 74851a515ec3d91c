package remote

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"

	"github.com/emmansun/gmsm/smx509"

	"sihub/hsm"
)

// Serve answers requests read from r on w with b until r ends (the parent
// closed the pipe or went away) or ctx is done. Requests are handled one at
// a time. It returns nil at the end of input.
func Serve(ctx context.Context, b hsm.Backend, r io.Reader, w io.Writer) error {
	keys := map[string]hsm.Key{}
	for ctx.Err() == nil {
		var req request
		if err := readMessage(r, &req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		cctx := ctx
		if req.Caller != "" {
			cctx = hsm.WithCaller(ctx, req.Caller)
		}
		resp := handle(cctx, b, keys, &req)
		if err := writeMessage(w, resp); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func handle(ctx context.Context, b hsm.Backend, keys map[string]hsm.Key, req *request) *response {
	fail := func(err error) *response { return &response{Err: toWire(err)} }
	switch req.Op {
	case "generate", "find":
		var k hsm.Key
		var err error
		if req.Op == "generate" {
			k, err = b.Generate(ctx, req.Alg, req.Label)
		} else {
			k, err = b.Find(ctx, req.Key)
		}
		if err != nil {
			return fail(err)
		}
		der, err := smx509.MarshalPKIXPublicKey(k.Public())
		if err != nil {
			return fail(fmt.Errorf("hsm/remote: public key: %w", err))
		}
		keys[k.ID()] = k
		return &response{Key: &keyInfo{ID: k.ID(), Alg: k.Algorithm(), Public: der}}
	case "sign":
		k, ok := keys[req.Key]
		if !ok {
			var err error
			if k, err = b.Find(ctx, req.Key); err != nil {
				return fail(err)
			}
			keys[req.Key] = k
		}
		sig, err := k.Sign(rand.Reader, req.Digest, decodeOpts(req.Opts))
		if err != nil {
			return fail(err)
		}
		return &response{Sig: sig}
	case "list":
		l, err := b.List(ctx)
		if err != nil {
			return fail(err)
		}
		return &response{List: l}
	case "delete":
		delete(keys, req.Key)
		return fail(b.Delete(ctx, req.Key))
	case "capabilities":
		caps, err := hsm.Capabilities(ctx, b)
		if err != nil {
			return fail(err)
		}
		return &response{Caps: caps}
	}
	return fail(fmt.Errorf("%w: unknown operation %q", ErrProtocol, req.Op))
}
