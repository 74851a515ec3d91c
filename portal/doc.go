// Package portal is sihub's HTTP front: server-rendered pages in Chinese for
// citizens and verifiers, a JSON API under /api/v1, health and metrics.
//
// Contract (DESIGN.md §4): GET /healthz; GET /v/{code} human verification
// page; GET /api/v1/verify/{code} JSON; POST /api/v1/verify with a PDF in
// multipart field "file" → the verifier's report, the same object as
// `sihub verify --json`.
//
// Pages: / (home), /login and /logout, /me/documents (我的证明: list,
// issue, download), /me/documents/{code} (one document: who checked it,
// consents), /me/messages (我的消息: notices of documents issued,
// reissued and withdrawn, marked read as the page opens; the header shows
// the unread count), /v and /v/{code} (verify by anti-forgery code),
// /verify (verify an uploaded PDF). Every page works without JavaScript.
// A document past its verification window (verifier.VerifyWindowEnd) is
// refused in plain words on /v/{code} and in the API (outside_window).
//
// # Verification report
//
// /v/{code} and the upload result show one report (report.go): first one
// coloured line a clerk can act on (trusted, modified after sealing, not
// valid, superseded, withdrawn, expired, cannot be verified), then the
// document with the holder masked, each seal (status, algorithm, signer,
// level, timestamp, revocation), the file's revisions and what to do next.
// The pages are in Chinese, or English with ?lang=en (remembered in a
// cookie) or when Accept-Language prefers English. /v/{code} checks the
// stored file with the Verifier and, with ?t=, shows what the signed QR
// token carries. GET /v/{code}/report.pdf and, for an upload,
// /verify/result/{id}/report.pdf send the same report as a PDF sealed
// through Deps.Reports and registered with its own code (kind
// verification-report); one report per checked item, language, verdict and
// day. Uploaded files are never stored: only their verifier report is
// kept, for 30 minutes, under a random id.
//
// # Institutional API
//
// Banks and employers authenticate with an API key (model.APIKey) sent as
// "Authorization: Bearer <key id>.<secret>" or "X-API-Key: <key id>.<secret>".
// The secret's SHA-256 is compared with the stored hex hash in constant
// time; an unknown key id costs the same comparison. A missing, malformed,
// unknown or wrong key is 401 invalid_api_key (with WWW-Authenticate), a key
// without the scope an endpoint needs is 403 insufficient_scope. Scopes:
//
//	verify       GET /api/v1/verify/{code} with a key
//	verify:pdf   POST /api/v1/verify with a key; PDFs in a batch
//	verify:bulk  POST /api/v1/verify/batch
//
// The code and PDF endpoints also answer without a key (anonymous, masked,
// limited per client address). Each key has quotas per minute and per day
// (Limits.APIPerMinute, APIPerDay; per institution in Config.Institutions),
// counted in lookups: a batch costs one per code or file and is refused
// whole when it does not fit. Over a quota: 429 quota_exceeded with
// Retry-After in seconds.
//
// POST /api/v1/verify/batch takes either JSON {"codes": [...], "consents":
// {"<code>": "<consent token>"}} with at most 1,000 codes (body ≤ 1 MiB),
// or multipart/form-data with at most 100 PDFs in the field "files" (each
// ≤ MaxUploadBytes, all together ≤ MaxBatchBytes). Too many items is 413
// batch_too_large, too many bytes 413 too_large with a message naming the
// cap; nothing is verified then. The answer is application/x-ndjson: one
// JSON object per line, in request order, each flushed as soon as it and
// all before it are done. A code line is the object GET
// /api/v1/verify/{code} returns, or {"input": "<as sent>", "error":
// {"code", "message", "request_id"}} for a code that is not found; a PDF
// line is the verifier's report. The work runs on GOMAXPROCS workers; when
// the client disconnects no further item is started.
//
// Every lookup with a key, single or in a batch, appends one audit entry
// per code or file: actor "api:<key id>", action "document.verify.api",
// object the code (or "sha256:<hex>" for a PDF without one), outcome "ok"
// or "invalid". The citizen's page /me/documents/{code} reads these entries
// (and the consent entries) back and shows institution, time and outcome.
//
// # Minimal disclosure and consent
//
// Answers carry the holder's name and ID number masked. On
// /me/documents/{code} the citizen can grant one configured institution
// (Config.Institutions) access to the unmasked values of that document for
// 1 hour to 30 days (POST /me/documents/{code}/consents, CSRF-protected).
// The consent token is shown once. The institution passes it as
// ?consent=<token> (single lookup) or in the batch's "consents" map; the
// answer then has "holder_name" and "holder_id" and a "consent" object
// {accepted, reason, expires_at} (reasons: invalid, expired,
// other_document, other_institution, api_key_required). Tokens are
// stateless, HMAC-SHA256-signed with a key derived from SessionKey, and
// carry a 128-bit random nonce; they cannot be revoked before expiry
// (changing SessionKey voids all). The grant ("document.consent.grant")
// and each use by an institution ("document.consent.use", outcome ok or
// denied) are audited with the token's fingerprint, never the token.
//
// # CA administrators
//
// The seal authority's pages (/ca overview, /ca/seals, /ca/seals/new,
// /ca/seals/{id} with its SESeal picture, /ca/certificates, /ca/messages)
// and JSON API (/api/v1/ca/session, seals, seals/{id},
// seals/{id}/{approve|reject|suspend|resume|revoke}, certificates,
// messages) answer only a session of the ca-admin role: not logged in is
// the login redirect (401 in the API), another role 403 (audited as
// "ca.access" denied). Every POST carries the CSRF token: the form field
// on the pages, the X-CSRF-Token header in the API (GET
// /api/v1/ca/session returns it); no API key opens them. The work is
// Deps.CAAdmin's, which audits each change: a request is approved by
// another administrator only (the requester is not offered the button,
// and the service refuses it), reject and suspend need a reason, revoke
// one of RevocationReasons. Its errors map to 403 (model.ErrForbidden),
// 409 (model.ErrConflict), 400 (model.ErrInvalid) and 404
// (model.ErrNotFound) with a Chinese message; a refused change shows the
// seal's page again with that message and status. Certificates and active
// seals within 30 days of their end are marked (the OCSP signer's,
// renewed automatically, is not).
//
// # Abuse resistance
//
// The public lookups (GET /v/{code}, GET /api/v1/verify/{code}) without a
// key are limited per client address (Limits.LookupsPerMinute) and per
// code prefix, the first PrefixLen symbols of the canonical code
// (Limits.PrefixPerMinute); PDF verification without a key (POST /verify,
// POST /api/v1/verify) per client address (Limits.UploadsPerMinute).
// Refusals are 429 rate_limited (a page for the HTML routes) with
// Retry-After. The limits are token buckets in bounded memory with the
// injected clock, per portal process (N nodes allow up to N times the
// limit). Forwarding headers are not trusted: the client address is the
// connection's.
//
// Codes cannot be enumerated: a code carries at least 80 random bits (84
// in sihub's format), so guessing one takes on the order of 2^83 lookups,
// far beyond any rate limit. Unknown and malformed codes get the same
// status (404) and the same body; a malformed code never reaches the
// store, and a well-formed one is looked up by exact key in the store's
// index, so the only timing difference between a hit and a miss is that
// of the index lookup itself, which reveals nothing about neighbouring
// codes. Upload sizes are capped (MaxUploadBytes, 413 too_large); the
// verifier caps file size, object numbers, nesting, decoded sizes and
// ratios and time itself and reports any exceeded cap as the reason
// "too_large" in the report — it exposes no page-count option, so the
// portal adds none.
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
