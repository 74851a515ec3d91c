package verifier

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"sihub/certs/cms"
)

var (
	errTSTInfo         = errors.New("verifier: malformed timestamp token")
	errImprintMismatch = errors.New("verifier: timestamp imprint does not match the signed bytes")
	oidTSTInfo         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
)

// imprintHash returns a hash for a messageImprint algorithm.
func imprintHash(oid asn1.ObjectIdentifier) (hash.Hash, bool) {
	switch {
	case oid.Equal(cms.OIDDigestSHA256):
		return sha256.New(), true
	case oid.Equal(cms.OIDDigestSHA384):
		return sha512.New384(), true
	case oid.Equal(cms.OIDDigestSHA512):
		return sha512.New(), true
	case oid.Equal(cms.OIDDigestSM3):
		return sm3.New(), true
	}
	return nil, false
}

// verifyTimestamp checks a document timestamp (ETSI.RFC3161): the token's
// CMS signature over its TSTInfo, and the TSTInfo's message imprint
// against the byte ranges. It returns the token's genTime.
func (d *document) verifyTimestamp(sd *cms.SignedData, br [4]int64) (time.Time, error) {
	return verifyToken(sd, func(h hash.Hash) {
		h.Write(d.data[br[0] : br[0]+br[1]])
		h.Write(d.data[br[2] : br[2]+br[3]])
	})
}

// verifyToken checks an RFC 3161 token: a TSTInfo content, the CMS
// signature over it, and its message imprint against what stamped writes
// into the imprint's hash. It returns the token's genTime (also with an
// error, when the TSTInfo could be read).
func verifyToken(sd *cms.SignedData, stamped func(hash.Hash)) (time.Time, error) {
	if len(sd.Signers) != 1 {
		return time.Time{}, fmt.Errorf("%w: %d signers", errTSTInfo, len(sd.Signers))
	}
	si := sd.Signers[0]
	if !sd.ContentType.Equal(oidTSTInfo) || len(sd.Content) == 0 {
		return time.Time{}, fmt.Errorf("%w: content is not a TSTInfo", errTSTInfo)
	}
	alg, imprint, gen, err := parseTSTInfo(sd.Content)
	if err != nil {
		return time.Time{}, err
	}
	h, err := si.NewHash()
	if err != nil {
		return gen, err
	}
	h.Write(sd.Content)
	if err := si.Verify(h.Sum(nil)); err != nil {
		return gen, err
	}
	ih, ok := imprintHash(alg)
	if !ok {
		return gen, fmt.Errorf("%w: timestamp imprint algorithm %s", cms.ErrUnsupportedAlgorithm, alg)
	}
	stamped(ih)
	if !bytes.Equal(ih.Sum(nil), imprint) {
		return gen, errImprintMismatch
	}
	return gen, nil
}

// parseTSTInfo reads the message imprint and genTime of a DER TSTInfo
// (RFC 3161 §2.4.2).
func parseTSTInfo(der []byte) (asn1.ObjectIdentifier, []byte, time.Time, error) {
	in := cryptobyte.String(der)
	var tst, imprint, alg cryptobyte.String
	var version int64
	var policy, halg asn1.ObjectIdentifier
	var hashed []byte
	var serial, genRaw cryptobyte.String
	if !in.ReadASN1(&tst, cbasn1.SEQUENCE) ||
		!tst.ReadASN1Integer(&version) ||
		!tst.ReadASN1ObjectIdentifier(&policy) ||
		!tst.ReadASN1(&imprint, cbasn1.SEQUENCE) ||
		!imprint.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!alg.ReadASN1ObjectIdentifier(&halg) ||
		!imprint.ReadASN1Bytes(&hashed, cbasn1.OCTET_STRING) ||
		!tst.ReadASN1(&serial, cbasn1.INTEGER) ||
		!tst.ReadASN1(&genRaw, cbasn1.GeneralizedTime) {
		return nil, nil, time.Time{}, errTSTInfo
	}
	// RFC 3161 allows fractions of a second, which cryptobyte refuses
	gen, err := time.Parse("20060102150405.999999999Z0700", string(genRaw))
	if err != nil {
		return nil, nil, time.Time{}, fmt.Errorf("%w: genTime %q", errTSTInfo, string(genRaw))
	}
	return halg, hashed, gen.UTC(), nil
}
