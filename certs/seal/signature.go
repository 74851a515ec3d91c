package seal

import (
	"encoding/asn1"
	"fmt"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Signature is an electronic signature (SES_Signature, GB/T 38540 v4): a
// seal applied to a document hash by the signer's key.
type Signature struct {
	TBS TBSSign
	// SignerCertificate is the DER certificate of the signer (签章者).
	SignerCertificate  []byte
	SignatureAlgorithm asn1.ObjectIdentifier
	// Value is the signer's signature over the DER of TBS_Sign.
	Value []byte
	// TimeStamp is the optional [0] time-stamp over Value (the DER of an
	// RFC 3161 TimeStampToken in the public implementations).
	TimeStamp []byte

	// Raw is the whole DER as parsed; RawTBS the DER of toSign.
	Raw    []byte
	RawTBS []byte
}

// TBSSign is TBS_Sign: what the signer signs.
type TBSSign struct {
	Version int // 4 (5 in the five-element form)
	Seal    *Seal
	// TimeInfo is the signing time the signer claims.
	TimeInfo time.Time
	// DataHash is the hash of the signed document data.
	DataHash []byte
	// PropertyInfo describes the signed data (IA5String, application
	// defined; at least the protected range).
	PropertyInfo string
	// Extensions is [0] EXPLICIT extDatas; nil when absent.
	Extensions []Extension
}

var tag0 = cbasn1.Tag(0).Constructed().ContextSpecific()

// ParseSignature decodes a DER SES_Signature (v4). The embedded seal must be
// of the v4 shape.
func ParseSignature(der []byte) (*Signature, error) {
	if len(der) > MaxSignatureSize {
		return nil, fmt.Errorf("%w: signature of %d bytes (max %d)", ErrTooLarge, len(der), MaxSignatureSize)
	}
	der = append([]byte(nil), der...)
	in := cryptobyte.String(der)
	var body, rawTBS cryptobyte.String
	if !in.ReadASN1(&body, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, malformed("SES_Signature is not one DER SEQUENCE")
	}
	if !body.ReadASN1Element(&rawTBS, cbasn1.SEQUENCE) {
		return nil, malformed("toSign")
	}
	sig := &Signature{Raw: der, RawTBS: []byte(rawTBS)}
	var err error
	if sig.TBS, err = parseTBS(rawTBS); err != nil {
		return nil, err
	}
	if !body.ReadASN1Bytes(&sig.SignerCertificate, cbasn1.OCTET_STRING) ||
		!body.ReadASN1ObjectIdentifier(&sig.SignatureAlgorithm) ||
		!body.ReadASN1BitStringAsBytes(&sig.Value) {
		return nil, malformed("cert, signatureAlgID or signature")
	}
	if !body.Empty() {
		var ts cryptobyte.String
		if !body.ReadASN1(&ts, tag0) || !ts.ReadASN1BitStringAsBytes(&sig.TimeStamp) || !ts.Empty() || sig.TimeStamp == nil {
			return nil, malformed("timeStamp")
		}
	}
	if !body.Empty() {
		return nil, malformed("trailing data in SES_Signature")
	}
	return sig, nil
}

func parseTBS(raw cryptobyte.String) (TBSSign, error) {
	var t TBSSign
	var body, sealBody cryptobyte.String
	var ver int64
	var rawSeal cryptobyte.String
	if !raw.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadASN1Int64WithTag(&ver, cbasn1.INTEGER) {
		return t, malformed("TBS_Sign version")
	}
	if ver < 0 || ver > 1<<16 {
		return t, malformed("TBS_Sign version")
	}
	t.Version = int(ver)
	if !body.ReadASN1Element(&rawSeal, cbasn1.SEQUENCE) {
		return t, malformed("eseal")
	}
	sealBody = rawSeal
	if !sealBody.ReadASN1(&sealBody, cbasn1.SEQUENCE) {
		return t, malformed("eseal")
	}
	s, err := parseSealBody(sealBody)
	if err != nil {
		return t, err
	}
	if s.Format != FormatV4 {
		return t, fmt.Errorf("%w: v1 seal inside a v4 signature", ErrUnsupportedVersion)
	}
	s.Raw = []byte(rawSeal)
	t.Seal = s
	if !body.ReadASN1GeneralizedTime(&t.TimeInfo) ||
		!body.ReadASN1BitStringAsBytes(&t.DataHash) ||
		!readIA5(&body, &t.PropertyInfo) {
		return t, malformed("timeInfo, dataHash or propertyInfo")
	}
	if !body.Empty() {
		var wrap, list cryptobyte.String
		if !body.ReadASN1(&wrap, tag0) || !wrap.ReadASN1(&list, cbasn1.SEQUENCE) || !wrap.Empty() {
			return t, malformed("TBS_Sign extDatas")
		}
		if t.Extensions, err = parseExtensions(list); err != nil {
			return t, err
		}
	}
	if !body.Empty() {
		return t, malformed("trailing data in TBS_Sign")
	}
	return t, nil
}

// Marshal returns the DER of the signature from its fields (Raw and RawTBS
// are ignored); the seal is written from TBS.Seal.Raw when set, so a seal
// from elsewhere is carried unchanged.
func (sig *Signature) Marshal() ([]byte, error) {
	tbs, err := sig.TBS.Marshal()
	if err != nil {
		return nil, err
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbs)
		b.AddASN1OctetString(sig.SignerCertificate)
		b.AddASN1ObjectIdentifier(sig.SignatureAlgorithm)
		b.AddASN1BitString(sig.Value)
		if sig.TimeStamp != nil {
			b.AddASN1(tag0, func(b *cryptobyte.Builder) { b.AddASN1BitString(sig.TimeStamp) })
		}
	})
	return finish(b, "SES_Signature")
}

// Marshal returns the DER of TBS_Sign, the bytes the signer signs.
func (t *TBSSign) Marshal() ([]byte, error) {
	if t.Seal == nil {
		return nil, fmt.Errorf("%w: TBS_Sign without a seal", ErrInvalidRequest)
	}
	if !isIA5(t.PropertyInfo) {
		return nil, fmt.Errorf("%w: propertyInfo must be ASCII", ErrInvalidRequest)
	}
	if len(t.Extensions) > MaxExtensions {
		return nil, fmt.Errorf("%w: too many extDatas", ErrTooLarge)
	}
	sealDER := t.Seal.Raw
	if sealDER == nil {
		var err error
		if sealDER, err = t.Seal.Marshal(); err != nil {
			return nil, err
		}
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(int64(t.Version))
		b.AddBytes(sealDER)
		b.AddASN1GeneralizedTime(t.TimeInfo)
		b.AddASN1BitString(t.DataHash)
		addString(b, cbasn1.IA5String, t.PropertyInfo)
		if t.Extensions != nil {
			b.AddASN1(tag0, func(b *cryptobyte.Builder) { addExtensions(b, t.Extensions) })
		}
	})
	return finish(b, "TBS_Sign")
}
