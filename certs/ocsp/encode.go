package ocsp

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"io"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var (
	oidBasic               = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}
	oidSignatureSM2WithSM3 = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 501}
	oidECDSAWithSHA256     = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
)

// errorResponse is an OCSPResponse without responseBytes.
func errorResponse(s ResponseStatus) []byte {
	return []byte{0x30, 0x03, 0x0a, 0x01, byte(s)}
}

// ErrorResponse returns the DER OCSPResponse that carries only status s
// (malformedRequest, internalError, tryLater, sigRequired, unauthorized):
// what a server answers when it has no responder to ask.
func ErrorResponse(s ResponseStatus) []byte { return errorResponse(s) }

// sigAlg is how a signer key signs.
type sigAlg struct {
	oid asn1.ObjectIdentifier
	sm2 bool
}

func signatureAlgorithmFor(pub crypto.PublicKey) (sigAlg, error) {
	k, ok := pub.(*ecdsa.PublicKey)
	switch {
	case ok && sm2.IsSM2PublicKey(k):
		return sigAlg{oid: oidSignatureSM2WithSM3, sm2: true}, nil
	case ok && k.Curve == elliptic.P256():
		return sigAlg{oid: oidECDSAWithSHA256}, nil
	}
	return sigAlg{}, fmt.Errorf("%w: responder key %T (want SM2 or ECDSA P-256)", ErrUnsupported, pub)
}

func (a sigAlg) sign(key crypto.Signer, tbs []byte, r io.Reader) ([]byte, error) {
	if a.sm2 {
		return key.Sign(r, tbs, sm2.DefaultSM2SignerOpts)
	}
	d := sha256.Sum256(tbs)
	return key.Sign(r, d[:], crypto.SHA256)
}

// answer is one SingleResponse to write.
type answer struct {
	certID []byte // DER CertID
	status Status
}

// responseData encodes ResponseData (RFC 6960 §4.2.1).
func responseData(responderKeyHash []byte, producedAt time.Time, answers []answer, thisUpdate, nextUpdate time.Time, nonce []byte) ([]byte, error) {
	b := cryptobyte.NewBuilder(make([]byte, 0, 256))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(2).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) { // byKey
			b.AddASN1OctetString(responderKeyHash)
		})
		b.AddASN1GeneralizedTime(producedAt.UTC())
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, a := range answers {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddBytes(a.certID)
					switch a.status.State {
					case Good:
						b.AddASN1(cbasn1.Tag(0).ContextSpecific(), func(*cryptobyte.Builder) {})
					case Revoked:
						b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
							b.AddASN1GeneralizedTime(a.status.RevokedAt.UTC().Truncate(time.Second))
							if a.status.Reason != 0 {
								b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
									b.AddASN1Enum(int64(a.status.Reason))
								})
							}
						})
					default:
						b.AddASN1(cbasn1.Tag(2).ContextSpecific(), func(*cryptobyte.Builder) {})
					}
					b.AddASN1GeneralizedTime(thisUpdate.UTC())
					b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						b.AddASN1GeneralizedTime(nextUpdate.UTC())
					})
				})
			}
		})
		if nonce != nil {
			b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(OIDNonce)
						b.AddASN1OctetString(nonce)
					})
				})
			})
		}
	})
	return b.Bytes()
}

// basicResponse wraps signed ResponseData into an OCSPResponse.
func basicResponse(tbs []byte, alg sigAlg, sig, signerCert []byte) ([]byte, error) {
	basic := cryptobyte.NewBuilder(make([]byte, 0, len(tbs)+len(sig)+len(signerCert)+32))
	basic.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbs)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(alg.oid) })
		b.AddASN1BitString(sig)
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(signerCert) })
		})
	})
	basicDER, err := basic.Bytes()
	if err != nil {
		return nil, err
	}
	out := cryptobyte.NewBuilder(make([]byte, 0, len(basicDER)+32))
	out.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Enum(int64(Successful))
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(oidBasic)
				b.AddASN1OctetString(basicDER)
			})
		})
	})
	return out.Bytes()
}
