// Package servicestest holds the end-to-end test of the revocation and
// time-stamp services wired the way the application wires them: the
// development hierarchy in the embedded SQLite store with software keys,
// EnsureServices, the CRL publisher and OCSP responder reading the stored
// certificate records, and the TSA behind a Stamper. It has no code of its
// own.
package servicestest
