package seal

import (
	"encoding/asn1"
	"time"
)

// Format tells which standard a parsed seal follows.
type Format int

const (
	// FormatV4 is GB/T 38540-2020 (header version 4, or 5 with an optional
	// time-stamp).
	FormatV4 Format = 4
	// FormatV1 is GM/T 0031-2014; read-only.
	FormatV1 Format = 1
)

// Certificate list types (SES_ESPropertyInfo.certListType).
const (
	// CertListCertificates: certList holds DER certificates.
	CertListCertificates = 1
	// CertListDigests: certList holds certificate digests.
	CertListDigests = 2
)

// HeaderID is the fixed SES_Header id.
const HeaderID = "ES"

// Version is the SES_Header version this package writes.
const Version = 4

// Object identifiers.
var (
	// OIDSM2WithSM3 is SM2-with-SM3 signature, 1.2.156.10197.1.501.
	OIDSM2WithSM3 = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 501}
)

// DigestTypeSM3 is the CertDigestObj type this package writes for
// CertListDigests entries; the value is SM3 over the certificate's DER.
const DigestTypeSM3 = "SM3"

// Seal is an electronic seal (SESeal). Parse fills every field; Make
// returns one parsed back from its own encoding.
type Seal struct {
	Format Format
	Info   SealInfo
	// MakerCertificate is the DER certificate of the seal maker (制章者).
	MakerCertificate []byte
	// SignatureAlgorithm identifies the maker's signature algorithm.
	SignatureAlgorithm asn1.ObjectIdentifier
	// SignedValue is the maker's signature (DER SM2 signature in the
	// samples and in ours).
	SignedValue []byte
	// TimeStamp is the optional [0] time-stamp of the five-element form.
	TimeStamp []byte

	// Raw is the whole DER as parsed; RawInfo the DER of eSealInfo, the
	// bytes the maker signed.
	Raw     []byte
	RawInfo []byte
}

// SealInfo is SES_SealInfo.
type SealInfo struct {
	Header   Header
	ESID     string // esID, IA5String
	Property Property
	Picture  Picture
	// Extensions is extDatas; nil when absent.
	Extensions []Extension
}

// Header is SES_Header.
type Header struct {
	ID       string // "ES"
	Version  int    // 4 (GB/T 38540), 1 (GM/T 0031), 5 (five-element form)
	VendorID string // vid: the maker software's vendor
}

// Property is SES_ESPropertyInfo.
type Property struct {
	Type int    // seal type, application defined
	Name string // seal name, UTF8String
	// CertListType is CertListCertificates or CertListDigests (v1 seals
	// carry certificates only and report CertListCertificates).
	CertListType int
	// Certificates is certList when CertListType is CertListCertificates.
	Certificates [][]byte
	// Digests is certList when CertListType is CertListDigests.
	Digests    []CertDigest
	CreateDate time.Time
	ValidStart time.Time
	ValidEnd   time.Time
}

// CertDigest is CertDigestObj: a digest of a signer's certificate.
type CertDigest struct {
	Type  string // PrintableString, e.g. "SM3"
	Value []byte
}

// Picture is SES_ESPictrueInfo (sic).
type Picture struct {
	Type   string // "PNG", "SVG", "GIF", "JPG", "BMP", "OFD"
	Data   []byte
	Width  int // millimetres
	Height int // millimetres
}

// Extension is one ExtData of extDatas.
type Extension struct {
	ID       asn1.ObjectIdentifier
	Critical bool
	Value    []byte
}
