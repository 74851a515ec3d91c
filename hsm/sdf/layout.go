package sdf

import (
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/emmansun/gmsm/sm2"
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// ErrLayout: a structure returned by the device is malformed.
var ErrLayout = errors.New("hsm/sdf: malformed structure from the device")

// The structures of GM/T 0018 §5.4, with ECCref_MAX_LEN = rs bytes:
//
//	typedef struct { unsigned int bits; unsigned char x[LEN]; unsigned char y[LEN]; } ECCrefPublicKey;
//	typedef struct { unsigned char r[LEN]; unsigned char s[LEN]; } ECCSignature;
//
// Neither has padding (unsigned int is 4-aligned, the arrays are bytes).

func pubKeySize(rs int) int { return 4 + 2*rs }
func sigSize(rs int) int    { return 2 * rs }

// parsePublicKey decodes an ECCrefPublicKey (bits in host byte order) as
// an SM2 public key.
func parsePublicKey(buf []byte, rs int) (*ecdsa.PublicKey, error) {
	if len(buf) != pubKeySize(rs) || (rs != 32 && rs != 64) {
		return nil, fmt.Errorf("%w: ECCrefPublicKey of %d bytes", ErrLayout, len(buf))
	}
	bits := binary.NativeEndian.Uint32(buf[:4])
	if bits != 256 {
		return nil, fmt.Errorf("%w: ECCrefPublicKey.bits = %d, want 256", ErrLayout, bits)
	}
	x, y := buf[4:4+rs], buf[4+rs:]
	if !leadingZero(x, rs-32) || !leadingZero(y, rs-32) {
		return nil, fmt.Errorf("%w: coordinate wider than 256 bits", ErrLayout)
	}
	point := make([]byte, 0, 65)
	point = append(point, 4)
	point = append(point, x[rs-32:]...)
	point = append(point, y[rs-32:]...)
	pk, err := sm2.NewPublicKey(point)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLayout, err)
	}
	return pk, nil
}

// signatureDER decodes an ECCSignature into ASN.1 DER.
func signatureDER(buf []byte, rs int) ([]byte, error) {
	if len(buf) != sigSize(rs) || (rs != 32 && rs != 64) {
		return nil, fmt.Errorf("%w: ECCSignature of %d bytes", ErrLayout, len(buf))
	}
	r := new(big.Int).SetBytes(buf[:rs])
	s := new(big.Int).SetBytes(buf[rs:])
	if r.Sign() == 0 || s.Sign() == 0 || r.BitLen() > 256 || s.BitLen() > 256 {
		return nil, fmt.Errorf("%w: r or s out of range", ErrLayout)
	}
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(r)
		b.AddASN1BigInt(s)
	})
	return b.Bytes()
}

func leadingZero(b []byte, n int) bool {
	for _, c := range b[:n] {
		if c != 0 {
			return false
		}
	}
	return true
}
