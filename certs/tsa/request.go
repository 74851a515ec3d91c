package tsa

import (
	"encoding/asn1"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// MaxRequestSize caps a DER TimeStampReq (a SHA-512 imprint, a policy and
// a 160-bit nonce take about 150 bytes).
const MaxRequestSize = 4 << 10

// maxNonceOctets is 160 bits and a sign octet.
const maxNonceOctets = 21

// Kinds of unsupported requests, each wrapping ErrUnsupported.
var (
	ErrBadAlgorithm        = fmt.Errorf("%w: hash algorithm", ErrUnsupported)
	ErrUnacceptedPolicy    = fmt.Errorf("%w: policy", ErrUnsupported)
	ErrUnacceptedExtension = fmt.Errorf("%w: extension", ErrUnsupported)
)

// Request is a parsed TimeStampReq.
type Request struct {
	Hash          Hash
	HashedMessage []byte
	// Policy is the requested policy; nil when absent.
	Policy asn1.ObjectIdentifier
	// Nonce is nil when absent.
	Nonce   *big.Int
	CertReq bool
}

func malformed(what string) error { return fmt.Errorf("%w: %s", ErrMalformed, what) }

// ParseRequest parses a DER TimeStampReq of at most MaxRequestSize bytes.
func ParseRequest(der []byte) (*Request, error) {
	if len(der) > MaxRequestSize {
		return nil, fmt.Errorf("%w: request of %d bytes", ErrTooLarge, len(der))
	}
	in := cryptobyte.String(der)
	var body, imprint, alg, msg cryptobyte.String
	var version int64
	if !in.ReadASN1(&body, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, malformed("TimeStampReq")
	}
	if !body.ReadASN1Int64WithTag(&version, cbasn1.INTEGER) || version != 1 {
		return nil, malformed("version")
	}
	var oid asn1.ObjectIdentifier
	if !body.ReadASN1(&imprint, cbasn1.SEQUENCE) || !imprint.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!alg.ReadASN1ObjectIdentifier(&oid) || !imprint.ReadASN1(&msg, cbasn1.OCTET_STRING) || !imprint.Empty() {
		return nil, malformed("messageImprint")
	}
	if !alg.Empty() && (!alg.SkipASN1(cbasn1.NULL) || !alg.Empty()) {
		return nil, malformed("hash parameters")
	}
	r := &Request{}
	h, ok := hashFromOID(oid)
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrBadAlgorithm, oid)
	}
	if len(msg) != h.Size() {
		return nil, fmt.Errorf("%w: %s imprint of %d bytes", ErrMalformed, h, len(msg))
	}
	r.Hash, r.HashedMessage = h, []byte(msg)
	if body.PeekASN1Tag(cbasn1.OBJECT_IDENTIFIER) {
		if !body.ReadASN1ObjectIdentifier(&r.Policy) {
			return nil, malformed("reqPolicy")
		}
	}
	if body.PeekASN1Tag(cbasn1.INTEGER) {
		var el cryptobyte.String
		r.Nonce = new(big.Int)
		if !body.ReadASN1Element(&el, cbasn1.INTEGER) || len(el) > maxNonceOctets+2 || !el.ReadASN1Integer(r.Nonce) {
			return nil, malformed("nonce")
		}
		if r.Nonce.Sign() < 0 {
			return nil, malformed("negative nonce")
		}
	}
	if body.PeekASN1Tag(cbasn1.BOOLEAN) && !body.ReadASN1Boolean(&r.CertReq) {
		return nil, malformed("certReq")
	}
	if body.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, fmt.Errorf("%w: the TSA accepts no request extensions", ErrUnacceptedExtension)
	}
	if !body.Empty() {
		return nil, malformed("trailing fields")
	}
	return r, nil
}

// Marshal encodes the request as DER.
func (r *Request) Marshal() ([]byte, error) {
	if r.Hash.Size() == 0 || len(r.HashedMessage) != r.Hash.Size() {
		return nil, fmt.Errorf("%w: %s imprint of %d bytes", ErrInvalid, r.Hash, len(r.HashedMessage))
	}
	if r.Nonce != nil && (r.Nonce.Sign() < 0 || r.Nonce.BitLen() > 160) {
		return nil, fmt.Errorf("%w: nonce must be 0..160 bits", ErrInvalid)
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		addImprint(b, r.Hash, r.HashedMessage)
		if r.Policy != nil {
			b.AddASN1ObjectIdentifier(r.Policy)
		}
		if r.Nonce != nil {
			b.AddASN1BigInt(r.Nonce)
		}
		if r.CertReq {
			b.AddASN1Boolean(true)
		}
	})
	return b.Bytes()
}

func addImprint(b *cryptobyte.Builder, h Hash, msg []byte) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(h.OID())
			b.AddASN1NULL()
		})
		b.AddASN1OctetString(msg)
	})
}
