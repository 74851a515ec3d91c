package hsm

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Opener opens the backend a URI names. The URI is passed whole (scheme
// included); the opener owns its syntax (RFC 7512 for pkcs11:).
type Opener func(ctx context.Context, uri string) (Backend, error)

// ErrUnknownScheme: Open was given a URI whose scheme no backend registered
// (for pkcs11: and sdf: in a build without cgo the stubs register and fail
// with ErrNotAvailable instead).
var ErrUnknownScheme = errors.New("hsm: no backend registered for this URI scheme")

var registry struct {
	sync.RWMutex
	openers map[string]Opener
}

// Register makes a backend available to Open under scheme (without the
// colon, lower case). Backends register from their package init; the
// application imports them for the side effect. Registering a scheme twice
// panics, as database/sql does.
func Register(scheme string, o Opener) {
	scheme = strings.ToLower(scheme)
	if scheme == "" || strings.ContainsAny(scheme, ":/?#") || o == nil {
		panic("hsm: Register with an invalid scheme or nil opener")
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.openers == nil {
		registry.openers = map[string]Opener{}
	}
	if _, dup := registry.openers[scheme]; dup {
		panic("hsm: Register called twice for scheme " + scheme)
	}
	registry.openers[scheme] = o
}

// Schemes lists the registered schemes, sorted.
func Schemes() []string {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]string, 0, len(registry.openers))
	for s := range registry.openers {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Open opens the backend named by uri ("pkcs11:token=…?module-path=…",
// "sdf:?module-path=…&key-index=1"). Errors never repeat the URI, since it
// may carry a PIN.
func Open(ctx context.Context, uri string) (Backend, error) {
	scheme, _, ok := strings.Cut(uri, ":")
	if !ok || scheme == "" {
		return nil, fmt.Errorf("%w: URI has no scheme", ErrUnknownScheme)
	}
	scheme = strings.ToLower(scheme)
	registry.RLock()
	o := registry.openers[scheme]
	registry.RUnlock()
	if o == nil {
		return nil, fmt.Errorf("%w: %q (registered: %s)", ErrUnknownScheme, scheme, strings.Join(Schemes(), ", "))
	}
	return o(ctx, uri)
}
