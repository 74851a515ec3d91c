// Package e2e holds the end-to-end test of the wired system: the real
// store, signer, verifier and portal (package app), driven through a
// headless Chromium as a citizen and a bank clerk would use them. It has
// no code of its own besides the tests.
//
// The test needs /usr/bin/chromium (Debian package chromium); poppler-utils
// and zbar-tools for the QR step. Outside CI (CI != "true") it skips when a
// tool is missing; in CI it fails. SIHUB_E2E_SCREENSHOTS names a directory
// that receives full-page screenshots of the main pages.
package e2e
