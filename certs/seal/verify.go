package seal

import (
	"fmt"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// VerifyOptions says what (*Seal).Verify checks besides the maker's
// signature and the picture, which it always checks.
type VerifyOptions struct {
	// Time is the instant the validity window is checked at (a signing
	// time, from a time-stamp when there is one); the zero value means
	// time.Now().
	Time time.Time
	// SealCertificate, when set, must be named by the seal's certificate
	// list (as a certificate or as its SM3 digest).
	SealCertificate *smx509.Certificate
}

// Verify checks the seal in this order: the maker's SM2 signature
// (ErrBadSignature, ErrUnsupportedAlgorithm, ErrMakerCertificate), the
// picture (ErrBadPicture), the validity window at opts.Time (ErrNotYetValid,
// ErrExpired) and the certificate list (ErrCertificateNotListed). It does
// not validate the maker's certificate chain or revocation; that is the
// caller's path validation, with MakerCertificate.
func (s *Seal) Verify(opts VerifyOptions) error {
	maker, err := parseCertificate(s.MakerCertificate, "maker certificate")
	if err != nil {
		return err
	}
	if err := verifySM2(maker, s.SignatureAlgorithm, s.SignedValue, s.signedContents()); err != nil {
		return fmt.Errorf("seal: maker signature on %q: %w", s.Info.ESID, err)
	}
	if err := s.Info.Picture.Check(); err != nil {
		return err
	}
	p := &s.Info.Property
	at := opts.Time
	if at.IsZero() {
		at = time.Now()
	}
	if at.Before(p.ValidStart) {
		return fmt.Errorf("%w: valid from %s", ErrNotYetValid, p.ValidStart.UTC().Format(time.RFC3339))
	}
	if at.After(p.ValidEnd) {
		return fmt.Errorf("%w: valid until %s", ErrExpired, p.ValidEnd.UTC().Format(time.RFC3339))
	}
	if opts.SealCertificate != nil && !s.Names(opts.SealCertificate.Raw) {
		return fmt.Errorf("%w: %s", ErrCertificateNotListed, opts.SealCertificate.Subject)
	}
	return nil
}

// signedContents returns what the maker's signature covers: for GB/T
// 38540 (v4) the DER of eSealInfo; for GM/T 0031 (v1) SEQUENCE { sealInfo,
// cert, signatureAlgorithm }. Both are what the reference samples verify
// against.
func (s *Seal) signedContents() []byte {
	info := s.RawInfo
	if info == nil {
		info, _ = s.Info.Marshal()
	}
	if s.Format != FormatV1 {
		return info
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(info)
		b.AddASN1OctetString(s.MakerCertificate)
		b.AddASN1ObjectIdentifier(s.SignatureAlgorithm)
	})
	v1, err := b.Bytes()
	if err != nil {
		return nil
	}
	return v1
}

// Digest returns the SM3 digest of the seal's DER (Raw, or the encoding of
// its fields when Raw is empty): the value a document signature carries to
// name the seal it was made with.
func (s *Seal) Digest() ([]byte, error) {
	der := s.Raw
	if der == nil {
		var err error
		if der, err = s.Marshal(); err != nil {
			return nil, err
		}
	}
	sum := sm3.Sum(der)
	return sum[:], nil
}

// Names reports whether the seal's certificate list names the DER
// certificate cert: as one of its certificates, or as an SM3 digest of it.
func (s *Seal) Names(cert []byte) bool {
	p := &s.Info.Property
	for _, c := range p.Certificates {
		if string(c) == string(cert) {
			return true
		}
	}
	if len(p.Digests) > 0 {
		sum := sm3.Sum(cert)
		for _, d := range p.Digests {
			if string(d.Value) == string(sum[:]) {
				return true
			}
		}
	}
	return false
}
