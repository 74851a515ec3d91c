// Command sihub is the social insurance online service system: the server
// (serve) and the offline tools that issue, verify and seed documents.
//
// Usage:
//
//	sihub serve
//	sihub issue --kind KIND --subject ID [--alg sm2|p256|sm2,p256] [--lang zh] --out FILE
//	sihub verify [--json] [--trust PEM]... FILE.pdf
//	sihub verify-qr TEXT
//	sihub reissue --code CODE --out FILE
//	sihub withdraw --code CODE --reason TEXT
//	sihub seed --persons N [--seed S]
//	sihub batch statements --year Y [--region CODE] [--workers N] [--rate R] [--alg sm2|p256] [--lease 2m] [--limit N]
//	sihub backup --out FILE
//	sihub ca list [--role ROLE]
//	sihub ca create --alg sm2|p256 --role root|issuing [--parent SERIAL] [--hsm URI] [--key ID] [--label L] [--years N]
//	sihub ca rotate --alg sm2|p256 [--hsm URI] [--key ID] [--label L]
//	sihub key transport|export|import …
//	sihub seal list
//	sihub seal request|approve|reject|suspend|resume|revoke --as LOGIN … (the seal lifecycle)
//	sihub version
//
// Configuration comes from SIHUB_* environment variables (see app.Config).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit codes shared by the subcommands.
const (
	exitOK      = 0
	exitInvalid = 1 // verify: not valid
	exitError   = 2 // usage, unreadable input, could not check
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"serve", "start the portal and API server", runServe},
		{"issue", "issue a sealed document from the stored data", runIssue},
		{"verify", "verify a sealed PDF", runVerify},
		{"verify-qr", "check a QR payload (link or token) offline", runVerifyQR},
		{"reissue", "replace a document: issue it anew and mark the old one superseded", runReissue},
		{"withdraw", "withdraw a document with a reason", runWithdraw},
		{"seed", "add synthetic insured persons", runSeed},
		{"batch", "issue the yearly statements of every person (batch statements), resumable", runBatch},
		{"backup", "copy the embedded store while the server runs", runBackup},
		{"ca", "list, create and rotate CAs (ca list|create|rotate)", runCA},
		{"key", "move a software key into a token (key transport|export|import)", runKey},
		{"seal", "the agency's seals: list, request, approve, reject, suspend, resume, revoke", runSeal},
		{"x509", "validate a certificate path with the project's validator (x509 verify)", runX509},
		{"version", "print the version", func(context.Context, []string, io.Writer, io.Writer) int {
			fmt.Println("sihub", version)
			return exitOK
		}},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitError
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "sihub: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitError
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: sihub <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'sihub <command> -h' for the flags of a command.")
}
