package cms

import (
	"bytes"
	"crypto/sha256"
	"sync"

	"github.com/emmansun/gmsm/smx509"
)

// maxCachedCertificates bounds the parsed-certificate cache. The
// certificates a process meets again and again (its own seal and TSA
// chains, a bank's usual issuers) are few; a flood of distinct ones only
// empties the cache.
const maxCachedCertificates = 4096

// certCache keeps parsed certificates by the SHA-256 of their DER, so the
// same chain embedded in every signature and timestamp token is parsed
// once per process. Parsed certificates are shared: callers must not
// modify them (nothing in sihub does; certs/pathval copies before it fills
// in inherited DSA parameters).
var certCache = struct {
	sync.RWMutex
	m map[[32]byte]*smx509.Certificate
}{m: make(map[[32]byte]*smx509.Certificate)}

// ParseCertificate parses one DER certificate through the cache that
// Parse uses for the certificates embedded in signatures, so a
// certificate met both in a signature and elsewhere (a PDF's document
// security store) is parsed once. The result is shared and must not be
// modified. A cached certificate holds its own copy of the DER, never a
// slice of the caller's (possibly large) input.
func ParseCertificate(der []byte) (*smx509.Certificate, error) {
	key := sha256.Sum256(der)
	certCache.RLock()
	c, ok := certCache.m[key]
	certCache.RUnlock()
	if ok {
		return c, nil
	}
	c, err := smx509.ParseCertificate(bytes.Clone(der))
	if err != nil {
		return nil, err
	}
	certCache.Lock()
	if len(certCache.m) >= maxCachedCertificates {
		clear(certCache.m)
	}
	certCache.m[key] = c
	certCache.Unlock()
	return c, nil
}
