// Package remote runs an hsm.Backend in a separate signer process, so that
// a crash inside a vendor library (cgo) cannot take the server down.
//
// The child process calls Serve on its stdin and stdout with the backend
// it opened (e.g. `sihub hsm-agent pkcs11:…`); the server side calls Start
// with a command that launches it. Each child is one session of an
// hsm.Pool: calls are bounded, time-limited and behind a circuit breaker,
// and a child that dies (or a call that times out) is discarded — the next
// call starts a new one. A dead child fails in-flight calls with
// hsm.ErrDeviceUnavailable.
//
// Wire format: each message is a 4-byte big-endian length and a JSON
// object (request or response), capped at 1 MiB. Public keys travel as
// PKIX DER; errors as a kind ("not-found", "unsupported", "wrong-password",
// "device", "bad-signature", "closed") and a message, mapped back to the
// hsm sentinels. Signatures returned by the child are verified again in
// this process (hsm.VerifyingKey).
package remote
