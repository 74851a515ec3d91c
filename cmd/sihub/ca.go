package main

import (
	"context"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"sihub/app"
	"sihub/certs"
	"sihub/model"
)

// runCA manages the CA hierarchy: sihub ca list [--role
// root|issuing|seal|ocsp|tsa] lists the certificates the instance issued
// or trusts and marks the current root and issuing CA of each algorithm;
// ca create and ca rotate are in ca_create.go.
func runCA(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "create":
			return runCACreate(ctx, args[1:], stdout, stderr)
		case "rotate":
			return runCARotate(ctx, args[1:], stdout, stderr)
		}
	}
	if len(args) == 0 || args[0] != "list" {
		fmt.Fprintln(stderr, "usage: sihub ca list [--role ROLE] [--pem]\n       sihub ca create --alg sm2|p256 --role root|issuing [flags]\n       sihub ca rotate --alg sm2|p256 [flags]")
		return exitError
	}
	fs := flag.NewFlagSet("ca list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "", "only this role (root, issuing, seal, ocsp, tsa)")
	asPEM := fs.Bool("pem", false, "print the certificates as PEM (e.g. --role root --pem: the trust anchors for sihub-verify)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 {
		return exitError
	}
	v, ok := openInstance(ctx, stderr)
	if !ok {
		return exitError
	}
	defer v.Close()
	cs, err := v.Store.ListCertificates(ctx, *role)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	if *asPEM {
		return printPEM(stdout, stderr, cs)
	}
	now := time.Now()
	current, err := certs.CurrentCAs(ctx, v.Store, now)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SERIAL\tROLE\tALG\tSTATUS\tCURRENT\tNOT AFTER\tDAYS LEFT\tKEY BACKEND\tSUBJECT")
	for _, c := range cs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", c.Serial, c.Role, c.Alg, c.Status, currentMark(current, c),
			c.NotAfter.Format("2006-01-02"), daysLeft(now, c.NotAfter), keyBackend(c.KeyURI), c.Subject)
	}
	if err := w.Flush(); err != nil {
		return exitError
	}
	return exitOK
}

// openInstance opens the data directory's store read-side, or says why not.
func openInstance(ctx context.Context, stderr io.Writer) (*app.Verification, bool) {
	v, err := openVerification(ctx, nil)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return nil, false
	}
	if v.Store == nil {
		v.Close()
		fmt.Fprintln(stderr, "sihub: no instance in the data directory")
		return nil, false
	}
	return v, true
}

func daysLeft(now, until time.Time) int { return int(until.Sub(now).Hours() / 24) }

// printPEM writes certificates as PEM, each after a line naming it.
func printPEM(stdout, stderr io.Writer, cs []model.Certificate) int {
	for _, c := range cs {
		fmt.Fprintf(stdout, "# %s %s %s %s\n", c.Role, c.Alg, c.Serial, c.Subject)
		if err := pem.Encode(stdout, &pem.Block{Type: "CERTIFICATE", Bytes: c.DER}); err != nil {
			fmt.Fprintln(stderr, "sihub:", err)
			return exitError
		}
	}
	return exitOK
}
