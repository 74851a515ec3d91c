package certs

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"

	"github.com/emmansun/gmsm/smx509"
)

// SubjectKeyID returns the key identifier sihub uses for pub: the leftmost
// 160 bits of SHA-256 over the subjectPublicKey BIT STRING (RFC 7093 §2
// method 1). It works for SM2, ECDSA and RSA keys.
func SubjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := smx509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("certs: encode public key: %w", err)
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if rest, err := asn1.Unmarshal(der, &spki); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("certs: parse SubjectPublicKeyInfo: %v", err)
	}
	sum := sha256.Sum256(spki.PublicKey.Bytes)
	return sum[:20], nil
}
