// Command sihub-verify checks sealed sihub documents offline, against the
// agency's root certificates, without a data directory or a database: the
// tool a bank's or an employer's back office installs. It links the
// verifier and nothing of the server (no store, no portal), so it starts
// in a few milliseconds.
//
//	sihub-verify [--json] --trust ROOTS.pem... FILE.pdf...
//
// ROOTS.pem comes from `sihub ca list --role root --pem` or the agency's
// published roots (GET /pki/roots.pem). The checks are those of `sihub
// verify` — structure, revisions, signatures, seal, chain, timestamps and
// the revocation evidence the document carries (PAdES B-LT) — except the
// registry's: whether the agency has since withdrawn or replaced the
// document needs the online check (the QR code's link or `sihub verify`).
// Exit status: 0 valid, 1 not valid, 2 could not check.
//
// Several files are checked one after the other by one process (a back
// office's batch: the start-up is paid once, and certificates the files
// share are checked once). Each file's report follows a "== FILE" line,
// and a summary line ends the output; with --json each file is one line,
// {"file": ..., "report": {...}} or {"file": ..., "error": "..."}. The exit
// status is the worst of the files'.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"sihub/internal/clifile"
	"sihub/verifier"
)

const (
	exitOK      = 0
	exitInvalid = 1
	exitError   = 2
)

func main() {
	growStack()
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
	if fs.NArg() == 0 || len(trust) == 0 {
		fmt.Fprintln(stderr, "usage: sihub-verify [--json] --trust ROOTS.pem... FILE.pdf...\n"+
			"ROOTS.pem: the agency's root certificates (sihub ca list --role root --pem, or GET /pki/roots.pem)")
		return exitError
	}
	roots, err := clifile.LoadPEMCertificates(trust)
	if err != nil {
		fmt.Fprintln(stderr, "sihub-verify:", err)
		return exitError
	}
	v := verifier.New(verifier.Options{Roots: roots})
	if fs.NArg() == 1 {
		return verifyOne(ctx, v, fs.Arg(0), *asJSON, stdout, stderr)
	}
	return verifyMany(ctx, v, fs.Args(), *asJSON, stdout, stderr)
}

// offlineNote ends the text report of a valid document.
const offlineNote = "registry   not consulted (offline): check the QR code's link for withdrawal or replacement"

// verifyOne checks one file and prints its report as `sihub verify` does.
// The file is mapped rather than read where the system allows
// (readMapped), and the report goes out in one write.
func verifyOne(ctx context.Context, v *verifier.Verifier, path string, asJSON bool, stdout, stderr io.Writer) int {
	pdf, changed, err := readMapped(path, clifile.MaxPDF)
	if err != nil {
		fmt.Fprintln(stderr, "sihub-verify:", err)
		return exitError
	}
	return verifyBytes(ctx, v, path, pdf, changed, asJSON, stdout, stderr)
}

// verifyBytes checks pdf, the content of the file at path, and prints the
// report. changed is not nil when pdf is a mapping of the file
// (readMapped): a file that changed or shrank while it was checked is
// reported as could not check, since what was checked may be no version
// of it.
func verifyBytes(ctx context.Context, v *verifier.Verifier, path string, pdf []byte, changed func() bool, asJSON bool, stdout, stderr io.Writer) (code int) {
	const changedMsg = "sihub-verify: %s: the file changed while it was being read\n"
	if changed != nil {
		// a file truncated while mapped faults (SIGBUS) on the pages it
		// lost: report it instead of crashing
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() {
			if p := recover(); p != nil {
				if _, fault := p.(interface{ Addr() uintptr }); !fault {
					panic(p)
				}
				fmt.Fprintf(stderr, changedMsg, path)
				code = exitError
			}
		}()
	}
	rep := v.Verify(ctx, pdf)
	if changed != nil && changed() {
		fmt.Fprintf(stderr, changedMsg, path)
		return exitError
	}
	out := bufio.NewWriterSize(stdout, 4096)
	if err := rep.Print(out, asJSON); err != nil {
		fmt.Fprintln(stderr, "sihub-verify:", err)
		return exitError
	}
	if rep.Valid && !asJSON {
		fmt.Fprintln(out, offlineNote)
	}
	if err := out.Flush(); err != nil && asJSON {
		// as before the buffer: a JSON report that cannot be written is
		// an error, a text one's write errors are not checked
		fmt.Fprintln(stderr, "sihub-verify:", err)
		return exitError
	}
	return status(rep)
}

// fileResult is one line of the --json output for several files.
type fileResult struct {
	File   string           `json:"file"`
	Report *verifier.Report `json:"report,omitempty"`
	Error  string           `json:"error,omitempty"`
}

// verifyMany checks each file in turn with one Verifier and returns the
// worst status. A file that cannot be read is reported and counted, and
// the others are still checked.
func verifyMany(ctx context.Context, v *verifier.Verifier, paths []string, asJSON bool, stdout, stderr io.Writer) int {
	worst := exitOK
	var counts [3]int
	enc := json.NewEncoder(stdout)
	for _, path := range paths {
		res := fileResult{File: path}
		code := exitError
		if pdf, err := clifile.ReadCapped(path, clifile.MaxPDF); err != nil {
			fmt.Fprintln(stderr, "sihub-verify:", err)
			res.Error = err.Error()
		} else {
			res.Report = v.Verify(ctx, pdf)
			code = status(res.Report)
		}
		var err error
		if asJSON {
			err = enc.Encode(res)
		} else {
			_, err = fmt.Fprintln(stdout, "==", path)
			switch {
			case res.Report == nil:
				fmt.Fprintln(stdout, "COULD NOT CHECK:", res.Error)
			case res.Report.Valid:
				res.Report.WriteText(stdout)
				fmt.Fprintln(stdout, offlineNote)
			default:
				res.Report.WriteText(stdout)
			}
		}
		if err != nil { // the output is gone
			fmt.Fprintln(stderr, "sihub-verify:", err)
			return exitError
		}
		counts[code]++
		worst = max(worst, code)
	}
	if !asJSON {
		fmt.Fprintf(stdout, "%d files: %d valid, %d not valid, %d could not be checked\n", len(paths), counts[exitOK], counts[exitInvalid], counts[exitError])
	}
	return worst
}

func status(rep *verifier.Report) int {
	if rep.Valid {
		return exitOK
	}
	return exitInvalid
}
