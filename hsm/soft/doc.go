// Package soft is the software backend of hsm.Backend: keys are generated in
// process (SM2, ECDSA P-256, RSA-3072) and persisted only wrapped.
//
// Wrapping: the key's PKCS #8 DER is sealed with SM4-GCM (default) or
// AES-256-GCM under a key-encryption key (KEK) derived from the keystore
// passphrase with argon2id; the key id and algorithm are the AEAD's
// additional data. The envelope (see envelope.go) records the KDF, its
// parameters, salt, cipher and nonce, so each blob is self-describing.
// The KEK is derived once per keystore open (all keys share the keystore's
// salt) and kept in memory; parsed keys are cached, so Find and Sign are fast.
//
// Contract and limits:
//   - an unwrapped key never leaves process memory; the BlobStore only sees
//     envelopes;
//   - a wrong passphrase and a tampered envelope (ciphertext, salt, nonce,
//     parameters, or a blob moved to another id or algorithm) are both
//     hsm.ErrWrongPassword, wrapped with what failed — GCM cannot tell them
//     apart, and that is on purpose;
//   - keys are never replaced (the store refuses a second PutKey on an id);
//   - memory is not locked or guarded: a process dump reveals keys. Production
//     seals belong in an HSM; this backend is for development, tests and
//     small deployments that accept that.
package soft
