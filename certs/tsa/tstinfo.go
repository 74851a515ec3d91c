package tsa

import (
	"encoding/asn1"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// TSTInfo is the content of a time-stamp token (RFC 3161 §2.4.2).
type TSTInfo struct {
	Policy        asn1.ObjectIdentifier
	Hash          Hash
	HashedMessage []byte
	SerialNumber  *big.Int
	// GenTime is in UTC, with the precision the TSA wrote (milliseconds
	// here).
	GenTime time.Time
	// Accuracy is zero when absent.
	Accuracy time.Duration
	Ordering bool
	// Nonce is nil when absent.
	Nonce *big.Int
}

const genTimeLayout = "20060102150405.999Z"

// Marshal encodes the TSTInfo as DER.
func (t *TSTInfo) Marshal() ([]byte, error) {
	if t.Hash.Size() == 0 || len(t.HashedMessage) != t.Hash.Size() || t.SerialNumber == nil || t.SerialNumber.Sign() <= 0 || len(t.Policy) == 0 {
		return nil, fmt.Errorf("%w: incomplete TSTInfo", ErrInvalid)
	}
	if t.Accuracy < 0 || t.Accuracy > 0 && t.Accuracy < time.Microsecond {
		return nil, fmt.Errorf("%w: accuracy %s", ErrInvalid, t.Accuracy)
	}
	b := cryptobyte.NewBuilder(make([]byte, 0, 160))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddASN1ObjectIdentifier(t.Policy)
		addImprint(b, t.Hash, t.HashedMessage)
		b.AddASN1BigInt(t.SerialNumber)
		b.AddASN1(cbasn1.GeneralizedTime, func(b *cryptobyte.Builder) {
			b.AddBytes([]byte(t.GenTime.UTC().Format(genTimeLayout)))
		})
		if t.Accuracy > 0 {
			secs := int64(t.Accuracy / time.Second)
			millis := int64(t.Accuracy % time.Second / time.Millisecond)
			micros := int64(t.Accuracy % time.Millisecond / time.Microsecond)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				if secs > 0 {
					b.AddASN1Int64(secs)
				}
				if millis > 0 {
					b.AddASN1Int64WithTag(millis, cbasn1.Tag(0).ContextSpecific())
				}
				if micros > 0 {
					b.AddASN1Int64WithTag(micros, cbasn1.Tag(1).ContextSpecific())
				}
			})
		}
		if t.Ordering {
			b.AddASN1Boolean(true)
		}
		if t.Nonce != nil {
			b.AddASN1BigInt(t.Nonce)
		}
	})
	return b.Bytes()
}

// MaxTSTInfoSize caps a TSTInfo (other TSAs may add a name and extensions).
const MaxTSTInfoSize = 16 << 10

// ParseTSTInfo parses a DER TSTInfo of at most MaxTSTInfoSize bytes.
func ParseTSTInfo(der []byte) (*TSTInfo, error) {
	if len(der) > MaxTSTInfoSize {
		return nil, fmt.Errorf("%w: TSTInfo of %d bytes", ErrTooLarge, len(der))
	}
	in := cryptobyte.String(der)
	var body, imprint, alg, msg, gt cryptobyte.String
	var version int64
	t := &TSTInfo{SerialNumber: new(big.Int)}
	var oid asn1.ObjectIdentifier
	if !in.ReadASN1(&body, cbasn1.SEQUENCE) || !in.Empty() ||
		!body.ReadASN1Int64WithTag(&version, cbasn1.INTEGER) || version != 1 ||
		!body.ReadASN1ObjectIdentifier(&t.Policy) ||
		!body.ReadASN1(&imprint, cbasn1.SEQUENCE) || !imprint.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!alg.ReadASN1ObjectIdentifier(&oid) || !imprint.ReadASN1(&msg, cbasn1.OCTET_STRING) || !imprint.Empty() {
		return nil, malformed("TSTInfo")
	}
	h, ok := hashFromOID(oid)
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrBadAlgorithm, oid)
	}
	if len(msg) != h.Size() {
		return nil, malformed("imprint length")
	}
	t.Hash, t.HashedMessage = h, []byte(msg)
	var serial cryptobyte.String
	if !body.ReadASN1Element(&serial, cbasn1.INTEGER) || len(serial) > 24 || !serial.ReadASN1Integer(t.SerialNumber) {
		return nil, malformed("serialNumber")
	}
	if !body.ReadASN1(&gt, cbasn1.GeneralizedTime) || len(gt) > 32 {
		return nil, malformed("genTime")
	}
	var err error
	if t.GenTime, err = time.Parse("20060102150405Z", string(gt)); err != nil {
		return nil, malformed("genTime")
	}
	if body.PeekASN1Tag(cbasn1.SEQUENCE) {
		var acc cryptobyte.String
		var secs, millis, micros int64
		if !body.ReadASN1(&acc, cbasn1.SEQUENCE) ||
			(acc.PeekASN1Tag(cbasn1.INTEGER) && !acc.ReadASN1Int64WithTag(&secs, cbasn1.INTEGER)) ||
			(acc.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific()) && !acc.ReadASN1Int64WithTag(&millis, cbasn1.Tag(0).ContextSpecific())) ||
			(acc.PeekASN1Tag(cbasn1.Tag(1).ContextSpecific()) && !acc.ReadASN1Int64WithTag(&micros, cbasn1.Tag(1).ContextSpecific())) || !acc.Empty() ||
			secs < 0 || secs > 1<<20 || millis < 0 || millis > 999 || micros < 0 || micros > 999 {
			return nil, malformed("accuracy")
		}
		t.Accuracy = time.Duration(secs)*time.Second + time.Duration(millis)*time.Millisecond + time.Duration(micros)*time.Microsecond
	}
	if body.PeekASN1Tag(cbasn1.BOOLEAN) && !body.ReadASN1Boolean(&t.Ordering) {
		return nil, malformed("ordering")
	}
	if body.PeekASN1Tag(cbasn1.INTEGER) {
		var el cryptobyte.String
		t.Nonce = new(big.Int)
		if !body.ReadASN1Element(&el, cbasn1.INTEGER) || len(el) > maxNonceOctets+2 || !el.ReadASN1Integer(t.Nonce) {
			return nil, malformed("nonce")
		}
	}
	if !body.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!body.SkipOptionalASN1(cbasn1.Tag(1).Constructed().ContextSpecific()) || !body.Empty() {
		return nil, malformed("tsa or extensions")
	}
	return t, nil
}
