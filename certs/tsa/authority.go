package tsa

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"slices"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs"
	"sihub/certs/cms"
)

// DefaultPolicy is sihub's time-stamp policy, a placeholder under the
// ITU-T example arc 2.999 (sihub 1, TSA policy 1); replace it with an OID
// under the agency's own arc.
var DefaultPolicy = asn1.ObjectIdentifier{2, 999, 7447, 3161, 1}

// Config configures an Authority. Zero values take the documented defaults.
type Config struct {
	// Certificate is the TSA certificate (certs.TSAProfile), Key its key.
	Certificate *smx509.Certificate
	Key         crypto.Signer
	// Chain is added to tokens whose request sets certReq (the issuing CA).
	Chain []*smx509.Certificate
	// Policy is written in every TSTInfo and the only one accepted in
	// requests; default DefaultPolicy.
	Policy asn1.ObjectIdentifier
	// Accuracy of genTime; default 1 s. Negative omits the field.
	Accuracy time.Duration
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Serial returns a new serial number, unique for this TSA; nil draws
	// 127 random bits from Rand.
	Serial func() (*big.Int, error)
	// Rand is the randomness; nil is crypto/rand.
	Rand io.Reader
	// Logger receives system failures; nil is slog.Default().
	Logger *slog.Logger
}

// Authority issues time-stamp tokens. It is safe for concurrent use when
// Serial, Now and Rand are.
type Authority struct {
	cfg Config
}

// New checks the TSA certificate (critical id-kp-timeStamping alone) and
// key and returns an Authority.
func New(cfg Config) (*Authority, error) {
	if cfg.Certificate == nil || cfg.Key == nil {
		return nil, fmt.Errorf("%w: a TSA needs a certificate and its key", ErrInvalid)
	}
	if !slices.Contains(cfg.Certificate.ExtKeyUsage, x509.ExtKeyUsageTimeStamping) {
		return nil, fmt.Errorf("%w: certificate %q lacks id-kp-timeStamping", ErrInvalid, cfg.Certificate.Subject.CommonName)
	}
	if err := certs.LintService(cfg.Certificate); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if k, ok := cfg.Key.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !k.Equal(cfg.Certificate.PublicKey) {
		return nil, fmt.Errorf("%w: the key is not the TSA certificate's", ErrInvalid)
	}
	if _, err := cms.DigestFor(cfg.Key.Public()); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if cfg.Policy == nil {
		cfg.Policy = DefaultPolicy
	}
	if cfg.Accuracy == 0 {
		cfg.Accuracy = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Serial == nil {
		r := cfg.Rand
		cfg.Serial = func() (*big.Int, error) { return randomSerial(r) }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Authority{cfg: cfg}, nil
}

func randomSerial(r io.Reader) (*big.Int, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return nil, fmt.Errorf("tsa: serial number: %w", err)
	}
	b[0] &= 0x7f
	n := new(big.Int).SetBytes(b[:])
	if n.Sign() == 0 {
		n.SetInt64(1)
	}
	return n, nil
}

// Stamp issues a token for a parsed request and returns the DER
// ContentInfo and its TSTInfo.
func (a *Authority) Stamp(ctx context.Context, req *Request) ([]byte, *TSTInfo, error) {
	if req.Policy != nil && !req.Policy.Equal(a.cfg.Policy) {
		return nil, nil, fmt.Errorf("%w %s (this TSA: %s)", ErrUnacceptedPolicy, req.Policy, a.cfg.Policy)
	}
	if req.Hash.Size() == 0 || len(req.HashedMessage) != req.Hash.Size() {
		return nil, nil, fmt.Errorf("%w: %s imprint of %d bytes", ErrMalformed, req.Hash, len(req.HashedMessage))
	}
	serial, err := a.cfg.Serial()
	if err != nil {
		return nil, nil, err
	}
	info := &TSTInfo{
		Policy:        a.cfg.Policy,
		Hash:          req.Hash,
		HashedMessage: req.HashedMessage,
		SerialNumber:  serial,
		GenTime:       a.cfg.Now().UTC().Truncate(time.Millisecond),
		Nonce:         req.Nonce,
	}
	if a.cfg.Accuracy > 0 {
		info.Accuracy = a.cfg.Accuracy
	}
	content, err := info.Marshal()
	if err != nil {
		return nil, nil, err
	}
	token, err := cms.SignAttached(content, cms.OIDTSTInfo, cms.SignOptions{
		Signer:           a.cfg.Key,
		Certificate:      a.cfg.Certificate,
		Chain:            a.cfg.Chain,
		OmitSigningTime:  true,
		OmitCertificates: !req.CertReq,
		Rand:             a.cfg.Rand,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("tsa: signing the token: %w", err)
	}
	return token, info, nil
}

// Respond answers a DER TimeStampReq with a DER TimeStampResp; failures
// are rejections carrying the RFC 3161 failure bit.
func (a *Authority) Respond(ctx context.Context, der []byte) []byte {
	req, err := ParseRequest(der)
	if err != nil {
		return rejection(failureFor(err), err.Error())
	}
	token, _, err := a.Stamp(ctx, req)
	if err != nil {
		f := failureFor(err)
		if f == FailSystemFailure {
			a.cfg.Logger.ErrorContext(ctx, "tsa: stamp", "err", err)
			return rejection(f, "system failure")
		}
		return rejection(f, err.Error())
	}
	return granted(token)
}

// failureFor maps an error to a PKIFailureInfo bit.
func failureFor(err error) int {
	switch {
	case errors.Is(err, ErrBadAlgorithm):
		return FailBadAlg
	case errors.Is(err, ErrUnacceptedPolicy):
		return FailUnacceptedPolicy
	case errors.Is(err, ErrUnacceptedExtension):
		return FailUnacceptedExtension
	case errors.Is(err, ErrTooLarge), errors.Is(err, ErrMalformed):
		return FailBadDataFormat
	}
	return FailSystemFailure
}
