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
	kind := fs.String("kind", signer.KindInsuranceCertificate, "document kind: "+strings.Join(issueKinds, ", "))
	subject := fs.String("subject", "", "person ID (公民身份号码) or unit credit code")
	unit := fs.String("unit", "", "unit-insurance-certificate: the unit's credit code (instead of --subject)")
	application := fs.String("application", "", "receipt, result-notice: the application's ID")
	country := fs.String("country", "", "overseas-exemption: the agreement country ("+strings.Join(signer.CountryCodes(), ", ")+")")
	postedFrom := fs.String("posted-from", "", "overseas-exemption: first day of the posting, YYYY-MM-DD (default today)")
	postedTo := fs.String("posted-to", "", "overseas-exemption: last day of the posting, YYYY-MM-DD (default the longest the agreement allows)")
	alg := fs.String("alg", "sm2", "seal algorithm(s): sm2, p256 or sm2,p256")
	lang := fs.String("lang", "zh", "language: zh, en or zh,en (en and zh,en for insurance-certificate, transfer-voucher, overseas-exemption; en for rights-record)")
	out := fs.String("out", "", "output PDF file")
	idem := fs.String("idempotency-key", "", "repeat-safe request key")
	year := fs.Int("year", 0, "rights-record: the statement's year (default last year); benefit-details: the year (default the last 12 months)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *unit != "" {
		if *subject != "" && *subject != *unit {
			fmt.Fprintln(stderr, "sihub: --unit and --subject name different subjects")
			return exitError
		}
		*subject = *unit
	}
	if (*subject == "" && *application == "") || *out == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: sihub issue --kind KIND (--subject ID | --unit CODE | --application ID) [--country CC] [--posted-from DATE] [--posted-to DATE] [--alg sm2|p256|sm2,p256] [--lang zh|en|zh,en] [--year YYYY] --out FILE")
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
		Application: strings.TrimSpace(*application), Country: *country, PostedFrom: *postedFrom, PostedTo: *postedTo,
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

// issueKinds are the kinds sihub issue offers (DESIGN.md §4).
var issueKinds = []string{signer.KindInsuranceCertificate, signer.KindUnitInsuranceCertificate, signer.KindReceipt,
	signer.KindResultNotice, signer.KindTransferVoucher, signer.KindRightsRecord, signer.KindBenefitDetails,
	signer.KindOverseasExemption}

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
