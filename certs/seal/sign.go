package seal

import (
	"bytes"
	"context"
	"crypto"
	"fmt"
	"io"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

// SignRequest describes an electronic signature to build.
type SignRequest struct {
	// Seal is the seal applied; it is embedded unchanged (its Raw bytes).
	Seal *Seal
	// DataHash is the hash of the signed data (SM3 in GB/T 38540).
	DataHash []byte
	// PropertyInfo describes the signed data and its protected range.
	PropertyInfo string
	Extensions   []Extension
	// Clock gives timeInfo; nil means time.Now. Rand feeds the signature;
	// nil means crypto/rand.
	Clock func() time.Time
	Rand  io.Reader
}

// Sign builds and signs an SES_Signature (v4): key, the key of
// signerCert, signs the DER of TBS_Sign with SM2 (SM3, signer ID
// 1234567812345678). The seal is verified first, at the signing time and
// against signerCert (see (*Seal).Verify), and its error returned.
func Sign(ctx context.Context, req SignRequest, key crypto.Signer, signerCert *smx509.Certificate) (*Signature, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	switch {
	case req.Seal == nil || req.Seal.Format != FormatV4:
		return nil, fmt.Errorf("%w: a v4 seal is required", ErrInvalidRequest)
	case len(req.DataHash) == 0:
		return nil, fmt.Errorf("%w: the data hash is required", ErrInvalidRequest)
	case signerCert == nil:
		return nil, fmt.Errorf("%w: the signer's certificate is required", ErrInvalidRequest)
	}
	now := time.Now
	if req.Clock != nil {
		now = req.Clock
	}
	at := now().UTC().Truncate(time.Second)
	// The seal must be sound, valid now and name the signer (GB/T 38540
	// checks the seal before signing).
	if err := req.Seal.Verify(VerifyOptions{Time: at, SealCertificate: signerCert}); err != nil {
		return nil, err
	}
	tbs := TBSSign{
		Version:      Version,
		Seal:         req.Seal,
		TimeInfo:     at,
		DataHash:     req.DataHash,
		PropertyInfo: req.PropertyInfo,
		Extensions:   req.Extensions,
	}
	msg, err := tbs.Marshal()
	if err != nil {
		return nil, err
	}
	v, err := signSM2(req.Rand, key, signerCert, msg)
	if err != nil {
		return nil, err
	}
	sig := &Signature{TBS: tbs, SignerCertificate: signerCert.Raw, SignatureAlgorithm: OIDSM2WithSM3, Value: v}
	der, err := sig.Marshal()
	if err != nil {
		return nil, err
	}
	return ParseSignature(der)
}

// SignatureVerifyOptions says what (*Signature).Verify checks.
type SignatureVerifyOptions struct {
	// DataHash, when set, must equal TBS.DataHash.
	DataHash []byte
	// SealTime is when the seal must have been valid; zero means
	// TBS.TimeInfo, the signing time the signer claims.
	SealTime time.Time
}

// Verify checks the signer's signature over TBS_Sign, the embedded seal
// (maker's signature, picture, validity at the signing time, and that its
// certificate list names the signer's certificate) and, when given, the
// data hash. Chains, revocation and time-stamps are the caller's.
func (sig *Signature) Verify(opts SignatureVerifyOptions) error {
	signer, err := parseCertificate(sig.SignerCertificate, "signer certificate")
	if err != nil {
		return err
	}
	if err := verifySM2(signer, sig.SignatureAlgorithm, sig.Value, sig.signedContents()); err != nil {
		return fmt.Errorf("seal: signer signature: %w", err)
	}
	at := opts.SealTime
	if at.IsZero() {
		at = sig.TBS.TimeInfo
	}
	if err := sig.TBS.Seal.Verify(VerifyOptions{Time: at, SealCertificate: signer}); err != nil {
		return err
	}
	if opts.DataHash != nil && !bytes.Equal(opts.DataHash, sig.TBS.DataHash) {
		return ErrDataHashMismatch
	}
	return nil
}

// signedContents returns what the signer's signature covers: the DER of
// TBS_Sign as it appears in the signature.
func (sig *Signature) signedContents() []byte {
	if sig.RawTBS != nil {
		return sig.RawTBS
	}
	tbs, _ := sig.TBS.Marshal()
	return tbs
}
