package seal

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"fmt"
	"io"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// parseCertificate parses a DER certificate carried in a seal or
// signature.
func parseCertificate(der []byte, what string) (*smx509.Certificate, error) {
	c, err := smx509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMakerCertificate, what, err)
	}
	return c, nil
}

// verifySM2 checks an SM2-with-SM3 signature (signer ID
// 1234567812345678) by cert over msg.
func verifySM2(cert *smx509.Certificate, alg []int, sig []byte, msg []byte) error {
	if !oidEqual(alg, OIDSM2WithSM3) {
		return fmt.Errorf("%w: %v", ErrUnsupportedAlgorithm, alg)
	}
	k, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(k) {
		return fmt.Errorf("%w: certificate key is not SM2", ErrUnsupportedAlgorithm)
	}
	if msg == nil || !sm2.VerifyASN1WithSM2(k, nil, msg, sig) {
		return ErrBadSignature
	}
	return nil
}

// signSM2 signs msg with key (SM3 with the default signer ID computed by
// the key) after checking that key belongs to cert.
func signSM2(rnd io.Reader, key crypto.Signer, cert *smx509.Certificate, msg []byte) ([]byte, error) {
	if key == nil || cert == nil {
		return nil, fmt.Errorf("%w: a key and its certificate are required", ErrInvalidRequest)
	}
	pub, ok := key.Public().(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return nil, fmt.Errorf("%w: key is not SM2", ErrUnsupportedAlgorithm)
	}
	cpub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || !cpub.Equal(pub) {
		return nil, ErrKeyMismatch
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	sig, err := key.Sign(rnd, msg, sm2.DefaultSM2SignerOpts)
	if err != nil {
		return nil, fmt.Errorf("seal: signing: %w", err)
	}
	if !sm2.VerifyASN1WithSM2(pub, nil, msg, sig) {
		// A key that signs something else (e.g. ECDSA on the SM2 curve)
		// must not produce a seal.
		return nil, fmt.Errorf("%w: the key's signature does not verify as SM2", ErrBadSignature)
	}
	return sig, nil
}

func oidEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
