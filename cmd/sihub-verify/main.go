// Command sihub-verify checks sealed sihub documents offline, against the
// agency's root certificates, without a data directory or a database: the
// tool a bank's or an employer's back office installs. It links the
// verifier and nothing of the server (no store, no portal), so it starts
// in a few milliseconds.
//
//	sihub-verify [--json] --trust ROOTS.pem... FILE.pdf
//
// ROOTS.pem comes from `sihub ca list --role root --pem` or the agency's
// published roots (GET /pki/roots.pem). The checks are those of `sihub
// verify` — structure, revisions, signatures, seal, chain, timestamps and
// the revocation evidence the document carries (PAdES B-LT) — except the
// registry's: whether the agency has since withdrawn or replaced the
// document needs the online check (the QR code's link or `sihub verify`).
// Exit status: 0 valid, 1 not valid, 2 could not check.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"sihub/internal/clifile"
	"sihub/verifier"
)

const (
	exitOK      = 0
	exitInvalid = 1
	exitError   = 2
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sihub-verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	var trust clifile.Strings
	fs.Var(&trust, "trust", "PEM file of trust anchors, the agency's root certificates (repeatable, at least one)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if fs.NArg() != 1 || len(trust) == 0 {
		fmt.Fprintln(stderr, "usage: sihub-verify [--json] --trust ROOTS.pem... FILE.pdf\n"+
			"ROOTS.pem: the agency's root certificates (sihub ca list --role root --pem, or GET /pki/roots.pem)")
		return exitError
	}
	roots, err := clifile.LoadPEMCertificates(trust)
	if err != nil {
		fmt.Fprintln(stderr, "sihub-verify:", err)
		return exitError
	}
	pdf, err := clifile.ReadCapped(fs.Arg(0), clifile.MaxPDF)
	if err != nil {
		fmt.Fprintln(stderr, "sihub-verify:", err)
		return exitError
	}
	rep := verifier.New(verifier.Options{Roots: roots}).Verify(ctx, pdf)
	if err := rep.Print(stdout, *asJSON); err != nil {
		fmt.Fprintln(stderr, "sihub-verify:", err)
		return exitError
	}
	if rep.Valid && !*asJSON {
		fmt.Fprintln(stdout, "registry   not consulted (offline): check the QR code's link for withdrawal or replacement")
	}
	if rep.Valid {
		return exitOK
	}
	return exitInvalid
}
