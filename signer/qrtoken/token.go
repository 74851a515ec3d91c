// Package qrtoken makes and checks the compact signed token printed in a
// document's QR code, so that a paper copy can be checked without the
// network: the token carries the fields a verifier compares with the paper
// (code, number, kind, masked holder, dates) and a signature by the seal
// key that sealed the document.
//
// Wire format (version 1), base64url without padding:
//
//	version(1) alg(1) keyID(8) fields… signature(64: r‖s)
//
// fields are uvarint-length-prefixed strings (code, number, kind, holder
// name, holder ID) then two uvarint Unix times (issued, valid until). The
// signature covers "sihub-qr-v1\x00" followed by every byte before it: SM2
// with SM3 and the signer ID 1234567812345678, or ECDSA P-256 with SHA-256.
// keyID is the first 8 bytes of SHA-256 over the seal certificate (DER).
package qrtoken

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/url"
	"sihub/hsm"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

const (
	version = 1
	domain  = "sihub-qr-v1\x00"
	// MaxLen caps the encoded token a parser accepts.
	MaxLen = 1024
	// maxField caps each string field.
	maxField = 128
	sigLen   = 64
)

// Algorithms.
const (
	AlgSM2   byte = 1 // SM2 with SM3, signer ID 1234567812345678
	AlgP256  byte = 2 // ECDSA P-256 with SHA-256
	algLimit      = 3
)

// Errors. Every parse failure wraps ErrMalformed; a signature that does not
// verify is ErrBadSignature.
var (
	ErrMalformed    = errors.New("qrtoken: malformed token")
	ErrBadSignature = errors.New("qrtoken: signature does not verify")
	ErrUnknownKey   = errors.New("qrtoken: unknown signing key")
)

// KeyID names the seal certificate whose key signed a token.
type KeyID [8]byte

// KeyIDOf returns the key ID of a certificate given in DER.
func KeyIDOf(certDER []byte) KeyID {
	sum := sha256.Sum256(certDER)
	var k KeyID
	copy(k[:], sum[:8])
	return k
}

// String returns the key ID in hex.
func (k KeyID) String() string { return fmt.Sprintf("%x", k[:]) }

// Claims are the fields the token vouches for.
type Claims struct {
	Code       string    `json:"code"`
	Number     string    `json:"number"`
	Kind       string    `json:"kind"`
	HolderName string    `json:"holder_name_masked"`
	HolderID   string    `json:"holder_id_masked"`
	IssuedAt   time.Time `json:"issued_at"`
	ValidUntil time.Time `json:"valid_until"`
}

// Token is a parsed, not yet verified token.
type Token struct {
	Claims Claims
	Alg    byte
	KeyID  KeyID
	signed []byte // the bytes the signature covers, without the domain prefix
	sig    []byte // r‖s
}

// Sign makes a token for c signed by key, whose certificate has key ID kid.
func Sign(c Claims, key crypto.Signer, kid KeyID, rand io.Reader) (string, error) {
	var alg byte
	pub, ok := key.Public().(*ecdsa.PublicKey)
	switch {
	case ok && sm2.IsSM2PublicKey(pub):
		alg = AlgSM2
	case ok && pub.Curve == elliptic.P256():
		alg = AlgP256
	default:
		return "", fmt.Errorf("qrtoken: unsupported key type %T", key.Public())
	}
	for _, s := range []string{c.Code, c.Number, c.Kind, c.HolderName, c.HolderID} {
		if len(s) > maxField {
			return "", fmt.Errorf("qrtoken: field of %d bytes exceeds %d", len(s), maxField)
		}
	}
	b := make([]byte, 0, 160)
	b = append(b, version, alg)
	b = append(b, kid[:]...)
	for _, s := range []string{c.Code, c.Number, c.Kind, c.HolderName, c.HolderID} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(c.IssuedAt.Unix()))
	b = binary.AppendUvarint(b, uint64(c.ValidUntil.Unix()))

	msg := append([]byte(domain), b...)
	var der []byte
	var err error
	if alg == AlgSM2 {
		der, err = key.Sign(rand, msg, sm2.DefaultSM2SignerOpts)
	} else {
		h := sha256.Sum256(msg)
		der, err = key.Sign(rand, h[:], crypto.SHA256)
	}
	if err != nil {
		return "", fmt.Errorf("qrtoken: signing: %w", err)
	}
	raw, err := derToRaw(der)
	if err != nil {
		return "", err
	}
	if !hsm.Verified(key) {
		tok := &Token{Alg: alg, signed: b, sig: raw}
		if err := tok.Verify(pub); err != nil {
			return "", fmt.Errorf("qrtoken: key produced an invalid signature: %w", err)
		}
	}
	b = append(b, raw...)
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Parse decodes a token without checking its signature.
func Parse(s string) (*Token, error) {
	if len(s) > MaxLen {
		return nil, fmt.Errorf("%w: longer than %d characters", ErrMalformed, MaxLen)
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(raw) < 2+len(KeyID{})+sigLen {
		return nil, fmt.Errorf("%w: too short", ErrMalformed)
	}
	if raw[0] != version {
		return nil, fmt.Errorf("%w: version %d", ErrMalformed, raw[0])
	}
	t := &Token{Alg: raw[1]}
	if t.Alg == 0 || t.Alg >= algLimit {
		return nil, fmt.Errorf("%w: algorithm %d", ErrMalformed, t.Alg)
	}
	copy(t.KeyID[:], raw[2:10])
	body := raw[:len(raw)-sigLen]
	t.signed, t.sig = body, raw[len(raw)-sigLen:]
	rest := body[10:]
	var fields [5]string
	for i := range fields {
		n, k := binary.Uvarint(rest)
		if k <= 0 || n > maxField || uint64(len(rest)-k) < n {
			return nil, fmt.Errorf("%w: field %d", ErrMalformed, i)
		}
		fields[i] = string(rest[k : k+int(n)])
		rest = rest[k+int(n):]
	}
	var times [2]time.Time
	for i := range times {
		v, k := binary.Uvarint(rest)
		if k <= 0 || v > 1<<40 {
			return nil, fmt.Errorf("%w: time %d", ErrMalformed, i)
		}
		times[i] = time.Unix(int64(v), 0).UTC()
		rest = rest[k:]
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrMalformed, len(rest))
	}
	t.Claims = Claims{Code: fields[0], Number: fields[1], Kind: fields[2], HolderName: fields[3], HolderID: fields[4],
		IssuedAt: times[0], ValidUntil: times[1]}
	return t, nil
}

// Verify checks the token's signature with the seal certificate's public key.
func (t *Token) Verify(pub crypto.PublicKey) error {
	ec, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: key is %T", ErrBadSignature, pub)
	}
	isSM2 := sm2.IsSM2PublicKey(ec)
	if (t.Alg == AlgSM2) != isSM2 || (t.Alg == AlgP256 && ec.Curve != elliptic.P256()) {
		return fmt.Errorf("%w: key does not match algorithm %d", ErrBadSignature, t.Alg)
	}
	der, err := rawToDER(t.sig)
	if err != nil {
		return err
	}
	msg := append([]byte(domain), t.signed...)
	if isSM2 {
		if !sm2.VerifyASN1WithSM2(ec, nil, msg, der) {
			return ErrBadSignature
		}
		return nil
	}
	h := sha256.Sum256(msg)
	if !ecdsa.VerifyASN1(ec, h[:], der) {
		return ErrBadSignature
	}
	return nil
}

// URL returns the link printed in the QR code: publicURL/v/CODE?t=TOKEN.
func URL(publicURL, canonicalCode, token string) string {
	return strings.TrimRight(publicURL, "/") + "/v/" + canonicalCode + "?t=" + token
}

// Extract takes what a scanner read from a QR code — the full link or a
// bare token — and returns the code in the link's path (if any) and the token.
func Extract(text string) (pathCode, token string, err error) {
	text = strings.TrimSpace(text)
	if len(text) > MaxLen+512 {
		return "", "", fmt.Errorf("%w: input too long", ErrMalformed)
	}
	if !strings.Contains(text, "://") {
		return "", text, nil
	}
	u, err := url.Parse(text)
	if err != nil {
		return "", "", fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	token = u.Query().Get("t")
	if token == "" {
		return "", "", fmt.Errorf("%w: link carries no token", ErrMalformed)
	}
	if i := strings.LastIndex(u.Path, "/v/"); i >= 0 {
		pathCode = u.Path[i+3:]
	}
	return pathCode, token, nil
}

func derToRaw(der []byte) ([]byte, error) {
	var r, s cryptobyte.String
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1(&r, cbasn1.INTEGER) || !seq.ReadASN1(&s, cbasn1.INTEGER) || !seq.Empty() {
		return nil, errors.New("qrtoken: signer returned a malformed signature")
	}
	out := make([]byte, sigLen)
	for i, v := range [][]byte{r, s} {
		n := new(big.Int).SetBytes(v)
		if n.Sign() <= 0 || n.BitLen() > 256 {
			return nil, errors.New("qrtoken: signer returned an out-of-range signature")
		}
		n.FillBytes(out[i*32 : (i+1)*32])
	}
	return out, nil
}

func rawToDER(raw []byte) ([]byte, error) {
	r := new(big.Int).SetBytes(raw[:32])
	s := new(big.Int).SetBytes(raw[32:])
	der, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return der, nil
}
