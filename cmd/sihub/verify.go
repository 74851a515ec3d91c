package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"sihub/app"
	"sihub/internal/clifile"
	"sihub/model"
)

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	var trust clifile.Strings
	fs.Var(&trust, "trust", "PEM file of extra trust anchors (repeatable)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: sihub verify [--json] [--trust PEM]... FILE.pdf")
		return exitError
	}
	pdf, err := clifile.ReadCapped(fs.Arg(0), clifile.MaxPDF)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	v, err := openVerification(ctx, trust)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	defer v.Close()
	rep := v.Verifier.Verify(ctx, pdf)
	if v.Store != nil {
		outcome := "invalid"
		if rep.Valid {
			outcome = "ok"
		}
		if err := v.Store.AppendAudit(ctx, model.AuditEntry{Time: time.Now().UTC(), Actor: "cli", Action: "document.verify",
			Object: rep.Document.Code, Outcome: outcome, Detail: "sha256=" + rep.Document.SHA256}); err != nil {
			fmt.Fprintln(stderr, "sihub: audit:", err)
			return exitError
		}
	}
	if err := rep.Print(stdout, *asJSON); err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	if rep.Valid {
		return exitOK
	}
	return exitInvalid
}

func runVerifyQR(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify-qr", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var trust clifile.Strings
	fs.Var(&trust, "trust", "PEM file of extra trust anchors (repeatable)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: sihub verify-qr [--trust PEM]... TEXT")
		return exitError
	}
	v, err := openVerification(ctx, trust)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	defer v.Close()
	res, err := v.QR.Check(ctx, fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return exitError
	}
	if res.Valid {
		return exitOK
	}
	return exitInvalid
}

// openVerification opens the instance's registry and trust anchors, plus
// the anchors in the --trust files.
func openVerification(ctx context.Context, trust []string) (*app.Verification, error) {
	extra, err := clifile.LoadPEMCertificates(trust)
	if err != nil {
		return nil, err
	}
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	return app.OpenVerification(ctx, cfg, extra)
}
