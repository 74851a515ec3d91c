// Package pkcs11 is the hsm.Backend for PKCS#11 tokens (cgo over
// github.com/miekg/pkcs11; the module is loaded at run time).
//
// A backend is one token, named by an RFC 7512 URI registered under the
// "pkcs11" scheme:
//
//	pkcs11:token=sihub;manufacturer=…;serial=…;slot-id=0?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/etc/sihub/pin
//
// (pin-value=… is accepted too; pin-source is better, the URI then holds no
// secret). The vendor attribute x-sm2-profile=NAME picks an SM2 mechanism
// profile by name instead of by library path or manufacturer ID.
//
// Keys: a key pair is a private and a public object sharing CKA_ID (16
// random bytes; Key.ID is its lower-case hex) and CKA_LABEL. Algorithms:
//   - P-256: CKM_ECDSA over the caller's digest; the token's raw r‖s is
//     returned as an ASN.1 ECDSA-Sig-Value;
//   - RSA-3072: CKM_RSA_PKCS over DigestInfo(hash) (PKCS #1 v1.5) or
//     CKM_RSA_PKCS_PSS when opts is *rsa.PSSOptions (MGF1 with the same
//     hash; salt length = hash length for PSSSaltLengthAuto/EqualsHash);
//   - SM2: only through a vendor profile (see SM2Profile): the adapter
//     computes e = SM3(Z‖M) in Go and the token signs the 32 bytes with the
//     vendor's mechanism; raw or DER output is decoded per profile.
//
// Every signature is verified in software before it is returned (keys are
// wrapped with hsm.VerifyingKey), so ECDSA on the SM2 curve from a token
// that does not know SM2 fails with hsm.ErrBadSignature.
//
// Sessions come from an hsm.Pool (bounded, per-call timeout, circuit
// breaker); a device error (token removed, device error, session handle
// invalid) drops the sessions and the next call re-initialises the module
// and logs in again. Key handles are found again by CKA_ID after that.
//
// Limits, from PKCS#11 itself:
//   - a module is initialised once per process, so backends on the same
//     module path share it (and a re-initialisation after a device error
//     serves them all); a login is per application and token, so the PIN
//     is checked by the first backend that opens a token;
//   - C_Finalize never runs under a running call (a shared lock): after a
//     device error, re-initialisation waits for calls still in the module,
//     and Close leaves the module loaded if a hung call does not return
//     within SlowCallTimeout;
//   - key generation and import run under SlowCallTimeout, not the call
//     timeout (RSA-3072 generation takes seconds on a software token).
//
// Key ceremony: TransportKey makes (once) an RSA-3072 unwrapping key on the
// token; a software keystore exports a key wrapped to it (soft.ExportWrapped,
// format hsm.WrapRSAAES) and ImportWrapped unwraps it into a sensitive,
// non-extractable token key, checked by a test signature.
//
// A build without cgo keeps the package and its URI parser; Open then fails
// with hsm.ErrNotAvailable ("PKCS#11 needs a cgo build").
package pkcs11
