package cms

import (
	"encoding/asn1"
	"errors"
)

// SignAttached returns a DER ContentInfo holding a SignedData that
// encapsulates content under contentType (id-ct-TSTInfo for a time-stamp
// token, say) and signs it like SignDetached: the contentType attribute is
// contentType, the messageDigest is the digest of content with
// DigestFor(o.Signer.Public()), and the SignedData version is 3 unless
// contentType is id-data (RFC 5652 §5.1).
func SignAttached(content []byte, contentType asn1.ObjectIdentifier, o SignOptions) ([]byte, error) {
	if len(contentType) == 0 {
		return nil, errors.New("cms: SignAttached needs a content type")
	}
	if content == nil {
		content = []byte{}
	}
	if o.Signer == nil {
		return nil, errors.New("cms: signing needs a signer and its certificate")
	}
	d, err := DigestFor(o.Signer.Public())
	if err != nil {
		return nil, err
	}
	h := d.New()
	h.Write(content)
	return signedData(h.Sum(nil), contentType, content, o)
}
