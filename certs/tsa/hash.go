package tsa

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"hash"

	"github.com/emmansun/gmsm/sm3"
)

// Hash is a message-imprint hash algorithm.
type Hash int

// Message-imprint hash algorithms.
const (
	SHA256 Hash = iota + 1
	SHA384
	SHA512
	SM3
)

var hashOIDs = map[Hash]asn1.ObjectIdentifier{
	SHA256: {2, 16, 840, 1, 101, 3, 4, 2, 1},
	SHA384: {2, 16, 840, 1, 101, 3, 4, 2, 2},
	SHA512: {2, 16, 840, 1, 101, 3, 4, 2, 3},
	SM3:    {1, 2, 156, 10197, 1, 401},
}

// OID is the algorithm identifier.
func (h Hash) OID() asn1.ObjectIdentifier { return hashOIDs[h] }

// New returns a new hash (nil for an unknown Hash).
func (h Hash) New() hash.Hash {
	switch h {
	case SHA256:
		return sha256.New()
	case SHA384:
		return sha512.New384()
	case SHA512:
		return sha512.New()
	case SM3:
		return sm3.New()
	}
	return nil
}

// Size is the digest length, 0 for an unknown Hash.
func (h Hash) Size() int {
	if d := h.New(); d != nil {
		return d.Size()
	}
	return 0
}

func (h Hash) String() string {
	switch h {
	case SHA256:
		return "SHA-256"
	case SHA384:
		return "SHA-384"
	case SHA512:
		return "SHA-512"
	case SM3:
		return "SM3"
	}
	return "unknown"
}

func hashFromOID(oid asn1.ObjectIdentifier) (Hash, bool) {
	for h, o := range hashOIDs {
		if o.Equal(oid) {
			return h, true
		}
	}
	return 0, false
}
