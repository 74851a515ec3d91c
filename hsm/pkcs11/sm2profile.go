package pkcs11

import (
	"fmt"
	"strings"
)

// SigFormat is how a token returns an EC signature.
type SigFormat int

// Signature formats.
const (
	SigRaw SigFormat = iota // r‖s, each as long as the order (PKCS#11's CKM_ECDSA)
	SigDER                  // ASN.1 SEQUENCE { r INTEGER, s INTEGER }
)

// SM2Profile says how one vendor's module does SM2. PKCS#11 (up to 3.2)
// has no SM2 mechanism, so every vendor picked its own codes.
type SM2Profile struct {
	Name     string
	KeyType  uint      // CKA_KEY_TYPE of SM2 key objects
	KeyGen   uint      // key-pair generation mechanism
	Sign     uint      // signing mechanism that takes e = SM3(Z‖M) (the device does not hash)
	ECParams []byte    // CKA_EC_PARAMS on generation; nil when the vendor's key type implies the curve
	Output   SigFormat // signature encoding
}

// oidSM2Curve is the DER of 1.2.156.10197.1.301 (sm2p256v1).
var oidSM2Curve = []byte{0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d}

// oidP256 is the DER of 1.2.840.10045.3.1.7 (prime256v1).
var oidP256 = []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}

// sm2Rule selects a profile: any of the substrings in the module's file
// name or in the manufacturer ID (token or library), case-insensitive.
type sm2Rule struct {
	path, manufacturer []string
	profile            SM2Profile
}

// sm2Table: vendor codes as published in xipki's vendor.conf (Sansec and
// TASS share theirs). A module not listed has no SM2 here; name a profile
// with x-sm2-profile or set Config.SM2.
var sm2Table = []sm2Rule{
	{
		path: []string{"sansec", "swsds", "swxa"}, manufacturer: []string{"sansec"},
		profile: SM2Profile{Name: "sansec", KeyType: 0x80000004, KeyGen: 0x80008001, Sign: 0x80008104, Output: SigRaw},
	},
	{
		path: []string{"tass"}, manufacturer: []string{"tass"},
		profile: SM2Profile{Name: "tass", KeyType: 0x80000004, KeyGen: 0x80008001, Sign: 0x80008104, Output: SigRaw},
	},
}

// SM2ProfileFor picks the SM2 profile for a module from its library path
// and manufacturer IDs (token's, then library's).
func SM2ProfileFor(modulePath string, manufacturers ...string) (SM2Profile, bool) {
	file := strings.ToLower(modulePath)
	if i := strings.LastIndexByte(file, '/'); i >= 0 {
		file = file[i+1:]
	}
	for _, r := range sm2Table {
		for _, p := range r.path {
			if strings.Contains(file, p) {
				return r.profile, true
			}
		}
		for _, m := range manufacturers {
			m = strings.ToLower(strings.TrimSpace(m))
			for _, want := range r.manufacturer {
				if m != "" && strings.Contains(m, want) {
					return r.profile, true
				}
			}
		}
	}
	return SM2Profile{}, false
}

// SM2ProfileNamed returns the table's profile called name.
func SM2ProfileNamed(name string) (SM2Profile, error) {
	for _, r := range sm2Table {
		if strings.EqualFold(r.profile.Name, name) {
			return r.profile, nil
		}
	}
	return SM2Profile{}, fmt.Errorf("%w: no SM2 profile named %q", ErrURI, name)
}

// Standard PKCS#11 codes the profiles refer to (from the OASIS headers).
const (
	ckkEC           = 0x3
	ckmECKeyPairGen = 0x1040
	ckmECDSA        = 0x1041
)
