package pkcs11

import (
	"crypto"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// ErrSignatureFormat: the token returned a signature that is not in the
// expected encoding.
var ErrSignatureFormat = errors.New("hsm/pkcs11: malformed signature from the token")

// maxSigLen caps what is decoded (an EC signature is far smaller).
const maxSigLen = 1024

// ecSignatureDER converts a token's EC signature to ASN.1 DER, checking r
// and s are in [1, 2^(8·size)).
func ecSignatureDER(sig []byte, f SigFormat, size int) ([]byte, error) {
	if len(sig) > maxSigLen {
		return nil, fmt.Errorf("%w: %d bytes", ErrSignatureFormat, len(sig))
	}
	var r, s *big.Int
	switch f {
	case SigRaw:
		if len(sig) != 2*size {
			return nil, fmt.Errorf("%w: raw r‖s of %d bytes, want %d", ErrSignatureFormat, len(sig), 2*size)
		}
		r = new(big.Int).SetBytes(sig[:size])
		s = new(big.Int).SetBytes(sig[size:])
	case SigDER:
		r, s = new(big.Int), new(big.Int)
		in := cryptobyte.String(sig)
		var inner cryptobyte.String
		if !in.ReadASN1(&inner, asn1.SEQUENCE) || !in.Empty() ||
			!inner.ReadASN1Integer(r) || !inner.ReadASN1Integer(s) || !inner.Empty() {
			return nil, fmt.Errorf("%w: not a DER SEQUENCE of two INTEGERs", ErrSignatureFormat)
		}
	default:
		return nil, fmt.Errorf("%w: unknown format %d", ErrSignatureFormat, f)
	}
	if r.Sign() <= 0 || s.Sign() <= 0 || r.BitLen() > 8*size || s.BitLen() > 8*size {
		return nil, fmt.Errorf("%w: r or s out of range", ErrSignatureFormat)
	}
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(r)
		b.AddASN1BigInt(s)
	})
	return b.Bytes()
}

// digestInfoPrefix is the DER of DigestInfo up to the digest, per RFC 8017
// §9.2 note 1, for the hashes sihub signs with.
var digestInfoPrefix = map[crypto.Hash][]byte{
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384: {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512: {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
}

// digestInfo returns DigestInfo(h, digest) for CKM_RSA_PKCS.
func digestInfo(h crypto.Hash, digest []byte) ([]byte, error) {
	p, ok := digestInfoPrefix[h]
	if !ok {
		return nil, fmt.Errorf("hsm/pkcs11: RSA PKCS #1 v1.5 with hash %v is not supported", h)
	}
	if len(digest) != h.Size() {
		return nil, fmt.Errorf("hsm/pkcs11: digest is %d bytes, %v needs %d", len(digest), h, h.Size())
	}
	return append(append([]byte(nil), p...), digest...), nil
}
