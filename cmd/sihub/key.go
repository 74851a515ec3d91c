package main

import (
	"context"
	"crypto"
	"crypto/rsa"
	"encoding/pem"
	"flag"
	"fmt"
	"io"

	"github.com/emmansun/gmsm/smx509"

	"sihub/app"
	"sihub/internal/clifile"
)

// maxTransportFile caps the transport public key file read by key export.
const maxTransportFile = 16 << 10

// runKey moves a software key into a token (key ceremony):
//
//	sihub key transport --hsm URI --out FILE     the token's transport public key (PEM)
//	sihub key export --id ID --wrap-for FILE --out FILE [--oaep sha1|sha256] [--as LOGIN]
//	sihub key import --hsm URI --in FILE [--label L] [--as LOGIN]
//
// export wraps key ID of the instance's software keystore for the
// transport key in FILE; import unwraps the bundle inside the token as a
// sensitive, non-extractable key and prints its id. Both are audited.
func runKey(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	usage := func() int {
		fmt.Fprintln(stderr, "usage: sihub key transport --hsm URI --out FILE\n       sihub key export --id ID --wrap-for FILE --out FILE [--oaep sha1|sha256] [--as LOGIN]\n       sihub key import --hsm URI --in FILE [--label L] [--as LOGIN]")
		return exitError
	}
	if len(args) == 0 {
		return usage()
	}
	fs := flag.NewFlagSet("key "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	uri := fs.String("hsm", "", "token URI (pkcs11:…), PIN from its pin-source")
	out := fs.String("out", "", "output file")
	in := fs.String("in", "", "wrapped key bundle to import")
	id := fs.String("id", "", "key id in the instance's software keystore")
	wrapFor := fs.String("wrap-for", "", "the token's transport public key (PEM, from key transport)")
	oaep := fs.String("oaep", "sha1", "OAEP hash of the wrap: sha1 (SoftHSM2) or sha256")
	label := fs.String("label", "", "label of the imported key")
	actor := fs.String("as", "cli", "who performs the ceremony (audit trail)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 {
		return usage()
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "sihub: key %s: %v\n", args[0], err)
		return exitError
	}
	switch args[0] {
	case "transport":
		if *uri == "" || *out == "" {
			return usage()
		}
		pub, err := app.TransportKey(ctx, *uri)
		if err != nil {
			return fail(err)
		}
		der, err := smx509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return fail(err)
		}
		if err := writeFileAtomic(*out, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "transport=%s bits=%d\n", *out, pub.N.BitLen())
	case "export":
		h, ok := map[string]crypto.Hash{"sha1": crypto.SHA1, "sha256": crypto.SHA256}[*oaep]
		if *id == "" || *wrapFor == "" || *out == "" || !ok {
			return usage()
		}
		transport, err := readTransportKey(*wrapFor)
		if err != nil {
			return fail(err)
		}
		a, err := openApp(ctx, stderr)
		if err != nil {
			return fail(err)
		}
		defer a.Close()
		w, err := a.ExportKeyWrapped(ctx, *actor, *id, transport, h)
		if err != nil {
			return fail(err)
		}
		b, err := w.Marshal()
		if err == nil {
			err = writeFileAtomic(*out, b)
		}
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "exported=%s alg=%s file=%s\n", w.KeyID, w.Alg, *out)
	case "import":
		if *uri == "" || *in == "" {
			return usage()
		}
		b, err := clifile.ReadCapped(*in, app.MaxWrappedKeyFile)
		if err != nil {
			return fail(err)
		}
		w, err := app.ParseWrappedKey(b)
		if err != nil {
			return fail(err)
		}
		a, err := openApp(ctx, stderr)
		if err != nil {
			return fail(err)
		}
		defer a.Close()
		newID, err := a.ImportKeyWrapped(ctx, *actor, *uri, *label, w)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "imported=%s from=%s alg=%s\n", newID, w.KeyID, w.Alg)
	default:
		return usage()
	}
	return exitOK
}

func readTransportKey(path string) (*rsa.PublicKey, error) {
	b, err := clifile.ReadCapped(path, maxTransportFile)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("%s holds no PUBLIC KEY block", path)
	}
	pub, err := smx509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, err
	}
	rsaPub, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("the transport key is a %T, not RSA", pub)
	}
	return rsaPub, nil
}
