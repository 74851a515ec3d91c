package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"sihub/certs"
	"sihub/hsm"
	"sihub/model"
)

// runCACreate makes a root or issuing CA, its key on the instance's
// backend or on the one --hsm names:
//
//	sihub ca create --alg sm2|p256 --role root|issuing [--parent SERIAL]
//	    [--hsm URI] [--key ID] [--label L] [--years N] [--as LOGIN]
//
// The token's PIN comes from the URI's pin-source file (a pin-value is
// refused: the URI is recorded so the next start finds the key, and the
// PIN stays out of the store). --key certifies a key the device already
// holds (SDF devices make keys with their own tools).
func runCACreate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ca create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	alg := fs.String("alg", "", "key algorithm: sm2 or p256")
	role := fs.String("role", "", "root or issuing")
	parent := fs.String("parent", "", "serial (hex) of the root that signs an issuing CA; default the current root")
	uri := fs.String("hsm", "", "key backend URI (pkcs11:…, sdf:…, soft:); default the instance's (SIHUB_HSM_URI)")
	keyID := fs.String("key", "", "certify this existing key of the backend instead of generating one")
	label := fs.String("label", "", "key label and certificate common name")
	years := fs.Int("years", 0, "validity in years (default: root 20, issuing 10)")
	actor := fs.String("as", "cli", "who performs the ceremony (audit trail)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || !knownCAAlg(*alg) ||
		(*role != model.RoleRoot && *role != model.RoleIssuing) {
		fmt.Fprintln(stderr, "usage: sihub ca create --alg sm2|p256 --role root|issuing [--parent SERIAL] [--hsm URI] [--key ID] [--label L] [--years N] [--as LOGIN]")
		return exitError
	}
	a, err := openApp(ctx, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	defer a.Close()
	rec, err := a.CreateCA(ctx, *actor, certs.CARequest{Alg: hsm.Algorithm(*alg), Role: *role, ParentSerial: *parent,
		KeyURI: *uri, KeyID: *keyID, Label: *label, Years: *years})
	if err != nil {
		fmt.Fprintln(stderr, "sihub: ca create:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "serial=%s role=%s alg=%s key=%s backend=%s not_after=%s\n", rec.Serial, rec.Role, rec.Alg,
		rec.KeyID, keyBackend(rec.KeyURI), rec.NotAfter.Format("2006-01-02"))
	return exitOK
}

// runCARotate makes a new issuing CA under the current root; it signs the
// new seal, OCSP and TSA certificates from the next start on, and the old
// one stays trusted for what it signed:
//
//	sihub ca rotate --alg sm2|p256 [--hsm URI] [--key ID] [--label L] [--as LOGIN]
func runCARotate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ca rotate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	alg := fs.String("alg", "", "key algorithm: sm2 or p256")
	uri := fs.String("hsm", "", "key backend URI of the new CA key; default the instance's")
	keyID := fs.String("key", "", "certify this existing key of the backend instead of generating one")
	label := fs.String("label", "", "key label and certificate common name")
	actor := fs.String("as", "cli", "who performs the rotation (audit trail)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || !knownCAAlg(*alg) {
		fmt.Fprintln(stderr, "usage: sihub ca rotate --alg sm2|p256 [--hsm URI] [--key ID] [--label L] [--as LOGIN]")
		return exitError
	}
	a, err := openApp(ctx, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sihub:", err)
		return exitError
	}
	defer a.Close()
	rot, err := a.RotateCA(ctx, *actor, hsm.Algorithm(*alg), *uri, *keyID, *label)
	if err != nil {
		fmt.Fprintln(stderr, "sihub: ca rotate:", err)
		return exitError
	}
	prev := "none"
	if rot.Previous != nil {
		prev = rot.Previous.Serial
	}
	fmt.Fprintf(stdout, "serial=%s alg=%s previous=%s key=%s backend=%s\n", rot.Next.Serial, rot.Next.Alg, prev,
		rot.Next.KeyID, keyBackend(rot.Next.KeyURI))
	return exitOK
}

func knownCAAlg(alg string) bool { return alg == string(hsm.SM2) || alg == string(hsm.P256) }

// keyBackend names a recorded key URI for people ("instance" for the
// instance's own backend).
func keyBackend(uri string) string {
	if uri == "" {
		return "instance"
	}
	return uri
}

// currentMark is "current" for the root and issuing CA the instance uses.
func currentMark(cur map[hsm.Algorithm]certs.Current, c model.Certificate) string {
	x := cur[hsm.Algorithm(c.Alg)]
	if (x.Root != nil && x.Root.Serial == c.Serial) || (x.Issuing != nil && x.Issuing.Serial == c.Serial) {
		return "current"
	}
	return ""
}
