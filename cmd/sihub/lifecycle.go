package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"sihub/app"
	"sihub/signer/code"
)

// openApp opens the instance for a command that changes it.
func openApp(ctx context.Context, stderr io.Writer) (*app.App, error) {
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, cfg, app.Options{Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
}

func runReissue(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reissue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := fs.String("code", "", "anti-forgery code of the document to replace")
	out := fs.String("out", "", "output PDF file of the new document")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	canon, err := code.Parse(*c)
	if err != nil || *out == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: sihub reissue --code CODE --out FILE")
		return exitError
	}
	a, err := openApp(ctx, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	defer a.Close()
	iss, err := a.Issuer.Reissue(ctx, a.Store, canon, "cli")
	if iss != nil {
		if werr := writeFileAtomic(*out, iss.PDF); werr != nil {
			fmt.Fprintln(stderr, "sihub:", werr)
			return exitError
		}
		fmt.Fprintf(stdout, "number=%s code=%s file=%s supersedes=%s\n", iss.Document.Number, iss.Document.Code, *out, canon)
	}
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	return exitOK
}

func runWithdraw(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("withdraw", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := fs.String("code", "", "anti-forgery code of the document")
	reason := fs.String("reason", "", "why it is withdrawn (shown to verifiers)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	canon, err := code.Parse(*c)
	if err != nil || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: sihub withdraw --code CODE --reason TEXT")
		return exitError
	}
	a, err := openApp(ctx, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	defer a.Close()
	if err := a.Issuer.Withdraw(ctx, a.Store, canon, *reason, "cli"); err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "withdrawn=%s\n", canon)
	return exitOK
}
