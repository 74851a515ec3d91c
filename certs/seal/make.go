package seal

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
)

// Seal types. GB/T 38540 leaves SES_ESPropertyInfo.type to the
// application; these are sihub's values.
const (
	TypeOfficial = 1 // 公章, the agency's official seal
	TypeBusiness = 2 // 业务专用章, the business seal documents carry
)

// DefaultVendorID is the SES_Header vid sihub writes.
const DefaultVendorID = "sihub"

// MakeRequest describes a seal to make. The zero values of the optional
// fields are documented on each.
type MakeRequest struct {
	Design Design // agency name, seal name, code, size
	// Type is the seal type; zero means TypeBusiness.
	Type int
	// SealCertificate is the certificate of the key that will seal
	// documents with this seal. Its validity becomes the seal's, and the
	// certificate list names it. Required.
	SealCertificate *smx509.Certificate
	// CertListType is CertListCertificates (the zero value means this) or
	// CertListDigests (the SM3 digest of SealCertificate).
	CertListType int
	// PictureType is PictureSVG (zero value) or PicturePNG (ring and star
	// only, see RenderPNG). Picture, when set, is used instead of a
	// rendered one and must pass Picture.Check.
	PictureType string
	Picture     *Picture
	// RegionCode is the six-digit administrative division code that
	// prefixes esID; zero value "000000".
	RegionCode string
	// VendorID is the header vid; zero value DefaultVendorID.
	VendorID   string
	Extensions []Extension
	// Clock gives createDate; nil means time.Now. Rand feeds esID and the
	// signature; nil means crypto/rand.
	Clock func() time.Time
	Rand  io.Reader
}

// Make builds the v4 SESeal described by req, signs its SES_SealInfo with
// the maker's key (SM2 with SM3, signer ID 1234567812345678) and returns it
// parsed back from its own DER, so Raw and RawInfo are set. makerCert is
// the maker's certificate embedded in the seal; key must be its key.
func Make(ctx context.Context, req MakeRequest, key crypto.Signer, makerCert *smx509.Certificate) (*Seal, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	info, err := req.sealInfo()
	if err != nil {
		return nil, err
	}
	tbs, err := info.Marshal()
	if err != nil {
		return nil, err
	}
	if makerCert == nil {
		return nil, fmt.Errorf("%w: the maker's certificate is required", ErrInvalidRequest)
	}
	sig, err := signSM2(req.Rand, key, makerCert, tbs)
	if err != nil {
		return nil, err
	}
	s := &Seal{
		Format:             FormatV4,
		Info:               info,
		MakerCertificate:   makerCert.Raw,
		SignatureAlgorithm: OIDSM2WithSM3,
		SignedValue:        sig,
	}
	der, err := s.Marshal()
	if err != nil {
		return nil, err
	}
	return Parse(der)
}

func (req *MakeRequest) sealInfo() (SealInfo, error) {
	var info SealInfo
	c := req.SealCertificate
	if c == nil {
		return info, fmt.Errorf("%w: the seal certificate is required", ErrInvalidRequest)
	}
	if err := req.Design.check(); err != nil {
		return info, err
	}
	region := req.RegionCode
	if region == "" {
		region = "000000"
	}
	if len(region) != 6 || strings.Trim(region, "0123456789") != "" {
		return info, fmt.Errorf("%w: region code %q is not six digits", ErrInvalidRequest, region)
	}
	rnd := req.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	var id [10]byte
	if _, err := io.ReadFull(rnd, id[:]); err != nil {
		return info, fmt.Errorf("seal: esID randomness: %w", err)
	}
	now := time.Now
	if req.Clock != nil {
		now = req.Clock
	}
	pic, err := req.picture()
	if err != nil {
		return info, err
	}
	typ := req.Type
	if typ == 0 {
		typ = TypeBusiness
	}
	vid := req.VendorID
	if vid == "" {
		vid = DefaultVendorID
	}
	prop := Property{
		Type:         typ,
		Name:         req.Design.Name,
		CertListType: req.CertListType,
		CreateDate:   now().UTC().Truncate(time.Second),
		ValidStart:   c.NotBefore.UTC().Truncate(time.Second),
		ValidEnd:     c.NotAfter.UTC().Truncate(time.Second),
	}
	switch prop.CertListType {
	case 0, CertListCertificates:
		prop.CertListType = CertListCertificates
		prop.Certificates = [][]byte{c.Raw}
	case CertListDigests:
		sum := sm3.Sum(c.Raw)
		prop.Digests = []CertDigest{{Type: DigestTypeSM3, Value: sum[:]}}
	default:
		return info, fmt.Errorf("%w: certListType %d", ErrInvalidRequest, req.CertListType)
	}
	info = SealInfo{
		Header:     Header{ID: HeaderID, Version: Version, VendorID: vid},
		ESID:       region + strings.ToUpper(hex.EncodeToString(id[:])),
		Property:   prop,
		Picture:    pic,
		Extensions: req.Extensions,
	}
	return info, nil
}

func (req *MakeRequest) picture() (Picture, error) {
	size := req.Design.size()
	if req.Picture != nil {
		p := *req.Picture
		if err := p.Check(); err != nil {
			return p, err
		}
		return p, nil
	}
	var data []byte
	var err error
	typ := strings.ToUpper(req.PictureType)
	switch typ {
	case "", PictureSVG:
		typ = PictureSVG
		data, err = RenderSVG(req.Design)
	case PicturePNG:
		data, err = RenderPNG(req.Design, 0)
	default:
		return Picture{}, fmt.Errorf("%w: picture type %q cannot be rendered", ErrInvalidRequest, req.PictureType)
	}
	if err != nil {
		return Picture{}, err
	}
	return Picture{Type: typ, Data: data, Width: size, Height: size}, nil
}
