package main

import (
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"sihub/certs/pathval"
	"sihub/internal/clifile"
)

// maxCertFile caps a certificate file read by the x509 command.
const maxCertFile = 4 << 20

func runX509(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage: sihub x509 verify --roots PEM --leaf PEM [--intermediates PEM] [--time RFC3339] [--peer-name NAME] [--eku OID]... [--max-depth N]")
		return exitError
	}
	return runX509Verify(ctx, args[1:], stdout, stderr)
}

// runX509Verify runs the project's path validator: exit 0 when a path is
// valid (its subjects printed leaf first), 1 when not (the reason printed),
// 2 when the input could not be read.
func runX509Verify(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("x509 verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	roots := fs.String("roots", "", "PEM file of trust anchors")
	leafFile := fs.String("leaf", "", "PEM file whose first certificate is validated")
	inter := fs.String("intermediates", "", "PEM file of untrusted intermediate certificates")
	at := fs.String("time", "", "validation time, RFC 3339 (default now)")
	peer := fs.String("peer-name", "", "DNS name or IP address the leaf must carry in subjectAltName")
	maxDepth := fs.Int("max-depth", 0, "most certificates above the leaf, the anchor included (0: 10)")
	var ekus clifile.Strings
	fs.Var(&ekus, "eku", "extended key usage OID the path must allow (repeatable)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *roots == "" || *leafFile == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "sihub x509 verify: --roots and --leaf are required")
		return exitError
	}
	opts := pathval.Options{PeerName: *peer, MaxDepth: *maxDepth}
	var err error
	if opts.Roots, err = readCertFile(*roots); err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	leaves, err := readCertFile(*leafFile)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	if *inter != "" {
		if opts.Intermediates, err = readCertFile(*inter); err != nil {
			fmt.Fprintln(stderr, "sihub:", err)
			return exitError
		}
	}
	if *at != "" {
		if opts.CurrentTime, err = time.Parse(time.RFC3339, *at); err != nil {
			fmt.Fprintln(stderr, "sihub: --time:", err)
			return exitError
		}
	}
	if *maxDepth < 0 {
		fmt.Fprintln(stderr, "sihub: --max-depth must not be negative")
		return exitError
	}
	for _, s := range ekus {
		oid, err := pathval.ParseOID(s)
		if err != nil {
			fmt.Fprintf(stderr, "sihub: --eku %q: not an OID\n", s)
			return exitError
		}
		opts.EKUs = append(opts.EKUs, oid)
	}
	res, err := pathval.Verify(leaves[0], opts)
	if err != nil {
		var pe *pathval.Error
		code := "invalid"
		if errors.As(err, &pe) {
			code = pe.Reason.Code()
		}
		fmt.Fprintf(stdout, "invalid: %s: %v\n", code, err)
		return exitInvalid
	}
	fmt.Fprintln(stdout, "valid")
	for i, c := range res.Chain {
		fmt.Fprintf(stdout, "%d %s\n", i, c.Subject.String())
	}
	return exitOK
}

// readCertFile reads the certificates of a PEM file (or a single DER one);
// DSA keys that inherit their parameters load too (pathval.ParseCertificate).
func readCertFile(path string) ([]*smx509.Certificate, error) {
	data, err := clifile.ReadCapped(path, maxCertFile)
	if err != nil {
		return nil, err
	}
	var out []*smx509.Certificate
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := pathval.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		c, err := pathval.ParseCertificate(data)
		if err != nil {
			return nil, fmt.Errorf("%s: no certificate", path)
		}
		out = append(out, c)
	}
	return out, nil
}
