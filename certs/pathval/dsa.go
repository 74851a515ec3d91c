package pathval

import (
	"crypto"
	"crypto/dsa" //nolint:staticcheck // legacy DSA paths, only with Options.AllowDSA
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"

	"github.com/emmansun/gmsm/smx509"
)

// checkDSA verifies a DSA signature by pub; only reached with
// Options.AllowDSA.
func checkDSA(pub *dsa.PublicKey, alg smx509.SignatureAlgorithm, signed, sig []byte, allowSHA1 bool) error {
	if pub.P == nil || pub.Q == nil || pub.G == nil || pub.Y == nil {
		return errors.New("DSA key without domain parameters")
	}
	var h crypto.Hash
	switch alg {
	case x509.DSAWithSHA1:
		if !allowSHA1 {
			return errors.New("SHA-1 signatures are not accepted")
		}
		h = crypto.SHA1
	case x509.DSAWithSHA256:
		h = crypto.SHA256
	default:
		return errors.New("signature algorithm does not match a DSA key")
	}
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(sig, &rs); err != nil || len(rest) != 0 || rs.R.Sign() <= 0 || rs.S.Sign() <= 0 {
		return errors.New("malformed DSA signature")
	}
	d := h.New()
	d.Write(signed)
	digest := d.Sum(nil)
	// FIPS 186-4 §4.6: the leftmost min(N, outlen) bits of the hash.
	if n := pub.Q.BitLen() / 8; n < len(digest) {
		digest = digest[:n]
	}
	if !dsa.Verify(pub, digest, rs.R, rs.S) {
		return errors.New("DSA verification failure")
	}
	return nil
}
