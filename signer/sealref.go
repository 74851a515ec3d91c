package signer

import (
	"fmt"
	"sync"

	"sihub/certs"
	"sihub/certs/seal"
)

// sealRefs caches the seal reference (SM3 digest and esID of the SESeal)
// of each loaded seal, so the SESeal is parsed once, not per document.
// Seal material is read-only once loaded, so its pointer is the key.
type sealRefs struct{ m sync.Map } // *certs.SealMaterial → *seal.Reference (nil: no SESeal)

// get returns the reference of m's SESeal, or nil when m has none.
func (c *sealRefs) get(m *certs.SealMaterial) (*seal.Reference, error) {
	if v, ok := c.m.Load(m); ok {
		return v.(*seal.Reference), nil
	}
	var ref *seal.Reference
	if len(m.Seal.SESeal) > 0 {
		s, err := seal.Parse(m.Seal.SESeal)
		if err != nil {
			return nil, fmt.Errorf("signer: the SESeal of seal %s: %w", m.Seal.ID, err)
		}
		r, err := s.Reference()
		if err != nil {
			return nil, fmt.Errorf("signer: the SESeal of seal %s: %w", m.Seal.ID, err)
		}
		ref = &r
	}
	c.m.Store(m, ref)
	return ref, nil
}
