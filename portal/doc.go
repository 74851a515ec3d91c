// Package portal is sihub's HTTP front: server-rendered pages in Chinese for
// citizens and verifiers, a JSON API under /api/v1, health and metrics.
//
// Contract (DESIGN.md §4): GET /healthz; GET /v/{code} human verification
// page; GET /api/v1/verify/{code} JSON; POST /api/v1/verify with a PDF in
// multipart field "file" → the verifier's report, the same object as
// `sihub verify --json`.
//
// Pages: / (home), /login and /logout, /me/documents (我的证明: list,
// issue, download), /v and /v/{code} (verify by anti-forgery code),
// /verify (verify an uploaded PDF). Every page works without JavaScript.
//
// Sessions are stateless HMAC-SHA256-signed cookies (HttpOnly, SameSite=Lax,
// Secure when PublicURL is https) with an absolute lifetime; every POST form
// carries a CSRF token bound to a signed per-browser cookie. Logins are
// throttled per login and per client address in bounded memory. Handlers
// return errors; one function (respondError) turns an error into a status
// and a page or a JSON body, and a response never contains a stack trace.
//
// The portal consumes the small interfaces of services.go; package app
// wires them to the store, the signer and the verifier. Only routes.go
// imports the router.
package portal
