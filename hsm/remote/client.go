package remote

import (
	"bufio"
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/hsm"
)

// Options configure the parent side. Pool.MaxSessions is the number of
// signer processes (default 4 — each handles one call at a time).
type Options struct {
	Pool hsm.PoolOptions
}

// Backend reaches a backend in signer processes; it implements
// hsm.Backend, hsm.CapabilityReporter and io.Closer.
type Backend struct {
	command func() *exec.Cmd
	pool    *hsm.Pool[*child]
}

var _ hsm.Backend = (*Backend)(nil)

// Start returns a backend whose calls run in processes made by command
// (a fresh *exec.Cmd each time; Stdin and Stdout must be left unset —
// they become the pipes). It starts one process and asks for the
// capabilities, so a broken configuration fails here.
func Start(ctx context.Context, command func() *exec.Cmd, opts Options) (*Backend, error) {
	b := &Backend{command: command}
	b.pool = hsm.NewPool[*child](children{b}, opts.Pool)
	if _, err := b.Capabilities(ctx); err != nil && !errors.Is(err, hsm.ErrUnsupported) {
		b.Close()
		return nil, err
	}
	return b, nil
}

// Close stops the signer processes.
func (b *Backend) Close() error {
	b.pool.Close()
	return nil
}

// Breaker reports the circuit breaker's state.
func (b *Backend) Breaker() string { return b.pool.State() }

// CallPath reports how the next call reaches the device ("inline" or
// "hand-off") and the moving average of answered calls (hsm.CallMode).
func (b *Backend) CallPath() (string, time.Duration) { return b.pool.CallPath() }

type child struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

type children struct{ b *Backend }

func (c children) Open(context.Context) (*child, error) {
	cmd := c.b.command()
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("%w: signer process: %v", hsm.ErrDeviceUnavailable, err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%w: signer process: %v", hsm.ErrDeviceUnavailable, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: start signer process: %v", hsm.ErrDeviceUnavailable, err)
	}
	return &child{cmd: cmd, in: in, out: bufio.NewReader(out)}, nil
}

func (c children) Close(ch *child) {
	_ = ch.in.Close()
	if ch.cmd.Process != nil {
		_ = ch.cmd.Process.Kill()
	}
	_ = ch.cmd.Wait()
}

func (c children) Failed(err error) bool { return errors.Is(err, hsm.ErrDeviceUnavailable) }

// call sends req to a signer process and returns its answer.
func (b *Backend) call(ctx context.Context, req *request) (*response, error) {
	req.Caller = hsm.CallerFrom(ctx)
	var out *response
	err := b.pool.Do(ctx, func(ch *child) error {
		if err := writeMessage(ch.in, req); err != nil {
			return fmt.Errorf("%w: signer process: %v", hsm.ErrDeviceUnavailable, err)
		}
		var resp response
		if err := readMessage(ch.out, &resp); err != nil {
			// The process died or spoke nonsense: either way it is discarded.
			return fmt.Errorf("%w: signer process: %v", hsm.ErrDeviceUnavailable, err)
		}
		if resp.Err != nil {
			return fromWire(resp.Err)
		}
		out = &resp
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (b *Backend) key(info *keyInfo) (hsm.Key, error) {
	if info == nil {
		return nil, fmt.Errorf("%w: no key in the answer", ErrProtocol)
	}
	pub, err := smx509.ParsePKIXPublicKey(info.Public)
	if err != nil {
		return nil, fmt.Errorf("%w: public key: %v", ErrProtocol, err)
	}
	return hsm.VerifyingKey(&key{b: b, id: info.ID, alg: info.Alg, pub: pub}), nil
}

// Generate asks a signer process to generate a key.
func (b *Backend) Generate(ctx context.Context, alg hsm.Algorithm, label string) (hsm.Key, error) {
	resp, err := b.call(ctx, &request{Op: "generate", Alg: alg, Label: label})
	if err != nil {
		return nil, err
	}
	return b.key(resp.Key)
}

// Find asks a signer process for key id.
func (b *Backend) Find(ctx context.Context, id string) (hsm.Key, error) {
	resp, err := b.call(ctx, &request{Op: "find", Key: id})
	if err != nil {
		return nil, err
	}
	return b.key(resp.Key)
}

// List lists the keys.
func (b *Backend) List(ctx context.Context) ([]hsm.KeyInfo, error) {
	resp, err := b.call(ctx, &request{Op: "list"})
	if err != nil {
		return nil, err
	}
	return resp.List, nil
}

// Delete deletes key id.
func (b *Backend) Delete(ctx context.Context, id string) error {
	_, err := b.call(ctx, &request{Op: "delete", Key: id})
	return err
}

// Capabilities forwards the child backend's capabilities.
func (b *Backend) Capabilities(ctx context.Context) ([]hsm.Capability, error) {
	resp, err := b.call(ctx, &request{Op: "capabilities"})
	if err != nil {
		return nil, err
	}
	return resp.Caps, nil
}

type key struct {
	b   *Backend
	id  string
	alg hsm.Algorithm
	pub crypto.PublicKey
}

func (k *key) ID() string               { return k.id }
func (k *key) Algorithm() hsm.Algorithm { return k.alg }
func (k *key) Public() crypto.PublicKey { return k.pub }

// Sign has a signer process sign; rand is not used (the child has its own).
func (k *key) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	resp, err := k.b.call(context.Background(), &request{Op: "sign", Key: k.id, Digest: digest, Opts: encodeOpts(opts)})
	if err != nil {
		return nil, fmt.Errorf("hsm/remote: key %s: %w", k.id, err)
	}
	return resp.Sig, nil
}

// Abandon kills a signer process whose caller timed out: unlike a cgo
// call, a process can be interrupted, so the slot comes back at once.
func (c children) Abandon(ch *child) {
	if ch.cmd.Process != nil {
		_ = ch.cmd.Process.Kill()
	}
}
