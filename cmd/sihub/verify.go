package main

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/app"
	"sihub/model"
)

// maxPDF caps what verify reads.
const maxPDF = 64 << 20

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	var trust multiFlag
	fs.Var(&trust, "trust", "PEM file of extra trust anchors (repeatable)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: sihub verify [--json] [--trust PEM]... FILE.pdf")
		return exitError
	}
	pdf, err := readCapped(fs.Arg(0), maxPDF)
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
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "sihub:", err)
			return exitError
		}
	} else {
		printReport(stdout, rep)
	}
	if rep.Valid {
		return exitOK
	}
	return exitInvalid
}

func runVerifyQR(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify-qr", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var trust multiFlag
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
	extra, err := loadPEMCerts(trust)
	if err != nil {
		return nil, err
	}
	cfg, err := app.FromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	return app.OpenVerification(ctx, cfg, extra)
}

func readCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// A buffer of the file's size when it is known (a regular file), not
	// one that doubles from 512 bytes: fewer copies and fresh pages for a
	// short-lived command.
	size := int64(512)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() < max {
		size = fi.Size() + 1 // room to see io.EOF without growing
	}
	r := io.LimitReader(f, max+1)
	b := make([]byte, 0, size)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return b, nil
}

func loadPEMCerts(paths []string) ([]*smx509.Certificate, error) {
	var out []*smx509.Certificate
	for _, p := range paths {
		b, err := readCapped(p, 4<<20)
		if err != nil {
			return nil, err
		}
		n := 0
		for {
			var blk *pem.Block
			blk, b = pem.Decode(b)
			if blk == nil {
				break
			}
			if blk.Type != "CERTIFICATE" {
				continue
			}
			c, err := smx509.ParseCertificate(blk.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			out = append(out, c)
			n++
		}
		if n == 0 {
			return nil, errors.New(p + ": no PEM certificate in it")
		}
	}
	return out, nil
}
