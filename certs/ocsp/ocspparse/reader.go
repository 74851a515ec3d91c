package ocspparse

import (
	"crypto/sha256"
	"sync"

	"github.com/emmansun/gmsm/smx509"
)

// maxIssued bounds the responder certificates a Reader remembers; past
// it, it starts afresh.
const maxIssued = 256

// A Reader reads responses as ParseResponse does and remembers which
// delegated responder certificates it found issued by which CA, so that
// the responses of one responder (a document's DSS holds one per
// certificate it vouches for) check the responder certificate's signature
// once. Only that signature is remembered, by the SHA-256 of both
// certificates: the responder's id-kp-OCSPSigning, its validity at each
// response's producedAt and each response's own signature are checked
// every time. The zero value is ready to use; a Reader is safe for
// concurrent use.
type Reader struct {
	mu     sync.Mutex
	issued map[[64]byte]struct{}
}

// checkIssued checks that c is signed by ca, once per pair when r is not
// nil.
func (r *Reader) checkIssued(c, ca *smx509.Certificate) error {
	if r == nil {
		return c.CheckSignatureFrom(ca)
	}
	var k [64]byte
	a, b := sha256.Sum256(c.Raw), sha256.Sum256(ca.Raw)
	copy(k[:32], a[:])
	copy(k[32:], b[:])
	r.mu.Lock()
	_, ok := r.issued[k]
	r.mu.Unlock()
	if ok {
		return nil
	}
	if err := c.CheckSignatureFrom(ca); err != nil {
		return err
	}
	r.mu.Lock()
	if r.issued == nil || len(r.issued) >= maxIssued {
		r.issued = make(map[[64]byte]struct{})
	}
	r.issued[k] = struct{}{}
	r.mu.Unlock()
	return nil
}
