// Package sdf is the hsm.Backend for cryptographic devices speaking GM/T
// 0018 "SDF" (密码设备应用接口). The vendor library is loaded at run time
// with dlopen (cgo); a build without cgo keeps the URI parser and Open
// fails with hsm.ErrNotAvailable.
//
// URI (registered under the "sdf" scheme):
//
//	sdf:?module-path=/opt/vendor/libsdf.so&key-index=1,2&pin-source=file:/etc/sihub/sdf-pin&rs-size=64
//
// key-index lists the internal SM2 signing keys sihub may use (the device's
// own tools provision them; SDF has no call to create or delete a stored
// key, so Generate and Delete fail with hsm.ErrUnsupported). A key's ID is
// its index in decimal. The access password (pin-value or pin-source)
// unlocks each key with SDF_GetPrivateKeyAccessRight, once per session.
// rs-size is the length of each coordinate in ECCrefPublicKey and of r and
// s in ECCSignature: 64 (ECCref_MAX_BITS = 512, the 2012 standard) or 32
// (some vendor builds); values are right-aligned big-endian.
//
// Signing: the adapter computes e = SM3(Z‖M) in Go (hsm.SM2Digest) and the
// device signs the 32 bytes with SDF_InternalSign_ECC; the signature is
// verified in software (hsm.VerifyingKey) before it is returned.
//
// Calls run through an hsm.Pool: bounded sessions, a per-call timeout
// enforced by the pool (a cgo call cannot be interrupted: the caller gets
// hsm.ErrTimeout, the session is discarded when the call returns), device
// errors (SDR_COMMFAIL, SDR_HARDFAIL, SDR_OPENDEVICE, SDR_OPENSESSION,
// SDR_UNKNOWERR) reopen the device on the next call, and a circuit breaker.
package sdf
