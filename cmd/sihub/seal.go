package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"sihub/model"
	"sihub/portal"
)

const sealUsage = `usage: sihub seal list
       sihub seal request --as LOGIN --name NAME --alg sm2|p256 [--replaces ID] [--note TEXT]
       sihub seal approve --as LOGIN ID
       sihub seal reject  --as LOGIN --reason TEXT ID
       sihub seal suspend --as LOGIN --reason TEXT ID
       sihub seal resume  --as LOGIN ID
       sihub seal revoke  --as LOGIN --reason REASON ID
LOGIN is a CA administrator's account; a request is approved by another
administrator than the one who filed it, and approval generates the key on
the instance's key backend (SIHUB_HSM_URI, or the software keystore).
REASON is one of: ` // + the revocation reasons

// Exit codes of the seal changes: 0 done, 1 refused by the lifecycle's
// rules (not an administrator, own request, wrong status, no such seal,
// bad request), 2 usage or could not run.

// runSeal manages the agency's seals: list, and the lifecycle changes of
// app.CAAdmin on the instance in the data directory.
func runSeal(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return sealUsageError(stderr)
	}
	switch args[0] {
	case "list":
		if len(args) != 1 {
			return sealUsageError(stderr)
		}
		return runSealList(ctx, stdout, stderr)
	case "request", "approve", "reject", "suspend", "resume", "revoke":
		return runSealChange(ctx, args[0], args[1:], stdout, stderr)
	}
	return sealUsageError(stderr)
}

func sealUsageError(stderr io.Writer) int {
	var names []string
	for _, r := range portal.RevocationReasons {
		names = append(names, r.Name)
	}
	fmt.Fprintln(stderr, sealUsage+strings.Join(names, ", "))
	return exitError
}

// runSealList lists the agency's seals: sihub seal list.
func runSealList(ctx context.Context, stdout, stderr io.Writer) int {
	v, ok := openInstance(ctx, stderr)
	if !ok {
		return exitError
	}
	defer v.Close()
	ss, err := v.Store.ListSeals(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	now := time.Now()
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tALG\tSTATUS\tVALID UNTIL\tDAYS LEFT\tCERTIFICATE\tKEY\tREQUESTED BY\tAPPROVED BY")
	for _, s := range ss {
		until, left := "-", "-"
		if !s.ValidUntil.IsZero() {
			until, left = s.ValidUntil.Format("2006-01-02"), fmt.Sprint(daysLeft(now, s.ValidUntil))
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Name, s.Alg, s.Status, until, left,
			dash(s.CertSerial), dash(s.KeyID), dash(s.RequestedBy), dash(s.ApprovedBy))
	}
	if err := w.Flush(); err != nil {
		return exitError
	}
	return exitOK
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// runSealChange runs one lifecycle change as the administrator --as.
func runSealChange(ctx context.Context, action string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("seal "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	actor := fs.String("as", "", "the CA administrator's login")
	var name, alg, replaces, note, reason *string
	if action == "request" {
		name = fs.String("name", "", "the seal's name, e.g. 业务专用章")
		alg = fs.String("alg", "", "sm2 or p256")
		replaces = fs.String("replaces", "", "ID of the seal the new one takes over from")
		note = fs.String("note", "", "why the seal is needed")
	}
	if action == "reject" || action == "suspend" || action == "revoke" {
		reason = fs.String("reason", "", "why (for revoke: an RFC 5280 reason name)")
	}
	id, ok := parseWithID(fs, args, action != "request")
	if !ok || *actor == "" || (reason != nil && *reason == "") || (name != nil && (*name == "" || *alg == "")) {
		return sealUsageError(stderr)
	}
	a, err := openApp(ctx, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	defer a.Close()
	c := a.CAAdmin()
	var s model.Seal
	switch action {
	case "request":
		s, err = c.RequestSeal(ctx, *actor, portal.SealRequest{Name: *name, Alg: *alg, Replaces: *replaces, Note: *note})
	case "approve":
		s, err = c.ApproveSeal(ctx, *actor, id)
	case "reject":
		s, err = c.RejectSeal(ctx, *actor, id, *reason)
	case "suspend":
		s, err = c.SuspendSeal(ctx, *actor, id, *reason)
	case "resume":
		s, err = c.ResumeSeal(ctx, *actor, id)
	case "revoke":
		s, err = c.RevokeSeal(ctx, *actor, id, *reason)
	}
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		if refused(err) {
			return exitInvalid
		}
		return exitError
	}
	printSeal(stdout, s)
	return exitOK
}

// parseWithID parses flags around one positional seal ID (before or after
// the flags); withID false wants none.
func parseWithID(fs *flag.FlagSet, args []string, withID bool) (string, bool) {
	if err := fs.Parse(args); err != nil {
		return "", false
	}
	var pos []string
	for fs.NArg() > 0 {
		pos = append(pos, fs.Arg(0))
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return "", false
		}
	}
	if !withID {
		return "", len(pos) == 0
	}
	if len(pos) != 1 || pos[0] == "" {
		return "", false
	}
	return pos[0], true
}

// refused reports a change the lifecycle's rules refused.
func refused(err error) bool {
	for _, kind := range []error{model.ErrForbidden, model.ErrConflict, model.ErrNotFound, model.ErrInvalid} {
		if errors.Is(err, kind) {
			return true
		}
	}
	return false
}

func printSeal(w io.Writer, s model.Seal) {
	fmt.Fprintf(w, "seal=%s status=%s name=%s alg=%s", s.ID, s.Status, s.Name, s.Alg)
	if s.CertSerial != "" {
		fmt.Fprintf(w, " certificate=%s key=%s key_uri=%s", s.CertSerial, s.KeyID, s.KeyURI)
	}
	if !s.ValidUntil.IsZero() {
		fmt.Fprintf(w, " valid_until=%s", s.ValidUntil.UTC().Format(time.RFC3339))
	}
	fmt.Fprintln(w)
}
