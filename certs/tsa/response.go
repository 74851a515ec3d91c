package tsa

import (
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// PKIStatus values (RFC 3161 §2.4.2).
const (
	StatusGranted         = 0
	StatusGrantedWithMods = 1
	StatusRejection       = 2
)

// PKIFailureInfo bit numbers (RFC 3161 §2.4.2), for Response.FailureBit.
const (
	FailBadAlg              = 0
	FailBadRequest          = 2
	FailBadDataFormat       = 5
	FailTimeNotAvailable    = 14
	FailUnacceptedPolicy    = 15
	FailUnacceptedExtension = 16
	FailSystemFailure       = 25
)

// MaxResponseSize caps a TimeStampResp ParseResponse reads.
const MaxResponseSize = 64 << 10

func granted(token []byte) []byte {
	b := cryptobyte.NewBuilder(make([]byte, 0, len(token)+16))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1Int64(StatusGranted) })
		b.AddBytes(token)
	})
	return b.BytesOrPanic()
}

func rejection(failBit int, text string) []byte {
	if len(text) > 200 {
		text = text[:200]
	}
	bits := make([]byte, failBit/8+1)
	bits[failBit/8] = 0x80 >> (failBit % 8)
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1Int64(StatusRejection)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(text)) })
			})
			b.AddASN1(cbasn1.BIT_STRING, func(b *cryptobyte.Builder) {
				b.AddUint8(uint8(7 - failBit%8))
				b.AddBytes(bits)
			})
		})
	})
	return b.BytesOrPanic()
}

// Response is a parsed TimeStampResp.
type Response struct {
	Status int
	// FailInfo is the PKIFailureInfo bit string as an integer (bit n of
	// RFC 3161 is 1<<n); 0 when absent.
	FailInfo uint64
	// Text is the first statusString, if any.
	Text string
	// Token is the DER TimeStampToken; nil unless granted.
	Token []byte
}

// ParseResponse parses a DER TimeStampResp of at most MaxResponseSize
// bytes. It does not verify the token (see VerifyToken).
func ParseResponse(der []byte) (*Response, error) {
	if len(der) > MaxResponseSize {
		return nil, fmt.Errorf("%w: response of %d bytes", ErrTooLarge, len(der))
	}
	in := cryptobyte.String(der)
	var body, si cryptobyte.String
	var status int64
	if !in.ReadASN1(&body, cbasn1.SEQUENCE) || !in.Empty() || !body.ReadASN1(&si, cbasn1.SEQUENCE) ||
		!si.ReadASN1Int64WithTag(&status, cbasn1.INTEGER) || status < 0 || status > 5 {
		return nil, malformed("TimeStampResp")
	}
	r := &Response{Status: int(status)}
	if si.PeekASN1Tag(cbasn1.SEQUENCE) {
		var texts, t cryptobyte.String
		if !si.ReadASN1(&texts, cbasn1.SEQUENCE) || !texts.ReadASN1(&t, cbasn1.UTF8String) {
			return nil, malformed("statusString")
		}
		r.Text = string(t)
	}
	if si.PeekASN1Tag(cbasn1.BIT_STRING) {
		var bs cryptobyte.String
		if !si.ReadASN1(&bs, cbasn1.BIT_STRING) || len(bs) < 1 || len(bs) > 5 {
			return nil, malformed("failInfo")
		}
		for i, c := range bs[1:] {
			for j := 0; j < 8; j++ {
				if c&(0x80>>j) != 0 {
					r.FailInfo |= 1 << (i*8 + j)
				}
			}
		}
	}
	if !si.Empty() {
		return nil, malformed("PKIStatusInfo")
	}
	if !body.Empty() {
		var tok cryptobyte.String
		if !body.ReadASN1Element(&tok, cbasn1.SEQUENCE) || !body.Empty() {
			return nil, malformed("timeStampToken")
		}
		r.Token = []byte(tok)
	}
	if (r.Status == StatusGranted || r.Status == StatusGrantedWithMods) != (r.Token != nil) {
		return nil, malformed("status and token disagree")
	}
	return r, nil
}

// FailureBit reports whether the response's failInfo has bit n.
func (r *Response) FailureBit(n int) bool { return n >= 0 && n < 64 && r.FailInfo&(1<<n) != 0 }
