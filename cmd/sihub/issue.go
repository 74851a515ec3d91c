package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"sihub/signer"
)

func runIssue(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("issue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("kind", signer.KindInsuranceCertificate, "document kind")
	subject := fs.String("subject", "", "person ID (公民身份号码) or unit credit code")
	alg := fs.String("alg", "sm2", "seal algorithm(s): sm2, p256 or sm2,p256")
	lang := fs.String("lang", "zh", "language: zh")
	out := fs.String("out", "", "output PDF file")
	idem := fs.String("idempotency-key", "", "repeat-safe request key")
	year := fs.Int("year", 0, "rights-record: the statement's year (default last year)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *subject == "" || *out == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: sihub issue --kind KIND --subject ID [--alg sm2|p256|sm2,p256] [--lang zh] [--year YYYY] --out FILE")
		return exitError
	}
	a, err := openApp(ctx, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	defer a.Close()
	iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{
		Kind: *kind, Subject: strings.TrimSpace(*subject), Algorithms: strings.Split(*alg, ","),
		Lang: *lang, IdempotencyKey: *idem, Actor: "cli", Year: *year,
	})
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	if err := writeFileAtomic(*out, iss.PDF); err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "number=%s code=%s file=%s\n", iss.Document.Number, iss.Document.Code, *out)
	return exitOK
}

// writeFileAtomic writes data next to path and renames it into place, so a
// reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".sihub-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
