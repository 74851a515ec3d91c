//go:build !cgo

package sdf

import (
	"context"
	"fmt"
	"time"

	"sihub/hsm"
)

var errNoCgo = fmt.Errorf("%w: SDF needs a cgo build (CGO_ENABLED=1 and a C compiler)", hsm.ErrNotAvailable)

func init() {
	hsm.Register("sdf", func(ctx context.Context, uri string) (hsm.Backend, error) {
		if _, err := ParseURI(uri); err != nil {
			return nil, err
		}
		return nil, errNoCgo
	})
}

// Backend is not available without cgo; Open always fails.
type Backend struct{}

// Open fails with hsm.ErrNotAvailable in a build without cgo.
func Open(context.Context, Config) (*Backend, error) { return nil, errNoCgo }

// Generate fails: no cgo.
func (*Backend) Generate(context.Context, hsm.Algorithm, string) (hsm.Key, error) {
	return nil, errNoCgo
}

// Find fails: no cgo.
func (*Backend) Find(context.Context, string) (hsm.Key, error) { return nil, errNoCgo }

// List fails: no cgo.
func (*Backend) List(context.Context) ([]hsm.KeyInfo, error) { return nil, errNoCgo }

// Delete fails: no cgo.
func (*Backend) Delete(context.Context, string) error { return errNoCgo }

// Capabilities fails: no cgo.
func (*Backend) Capabilities(context.Context) ([]hsm.Capability, error) { return nil, errNoCgo }

// Random fails: no cgo.
func (*Backend) Random(context.Context, int) ([]byte, error) { return nil, errNoCgo }

// Close does nothing.
func (*Backend) Close() error { return nil }

// Breaker reports "closed".
func (*Backend) Breaker() string { return "closed" }

// CallPath reports the hand-off path: there is no device to call.
func (*Backend) CallPath() (string, time.Duration) { return "hand-off", 0 }
