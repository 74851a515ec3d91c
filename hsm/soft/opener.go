package soft

import (
	"context"
	"fmt"
	"strings"

	"sihub/hsm"
)

// Opener returns an hsm.Opener for the "soft" scheme over st: the
// application registers it (hsm.Register("soft", soft.Opener(…))) because
// the blob store and passphrase come from its configuration, not from the
// URI. The URI is the scheme alone ("soft:").
func Opener(st BlobStore, passphrase []byte, opts Options) hsm.Opener {
	return func(ctx context.Context, uri string) (hsm.Backend, error) {
		if _, rest, _ := strings.Cut(uri, ":"); rest != "" {
			return nil, fmt.Errorf("hsm/soft: URI must be \"soft:\" with nothing after the colon")
		}
		return Open(ctx, st, passphrase, opts)
	}
}
