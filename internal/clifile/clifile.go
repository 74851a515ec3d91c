// Package clifile reads the files named on sihub's command lines: whole
// files under a size cap, and PEM certificate bundles (trust anchors).
package clifile

import (
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/emmansun/gmsm/smx509"
)

// MaxPEMFile caps a PEM certificate bundle.
const MaxPEMFile = 4 << 20

// ErrTooLarge: a file is larger than its cap.
var ErrTooLarge = errors.New("file too large")

// ReadCapped reads the file at path, refusing one larger than max bytes.
func ReadCapped(path string, max int64) ([]byte, error) {
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
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrTooLarge, path, max)
	}
	return b, nil
}

// LoadPEMCertificates reads the CERTIFICATE blocks of PEM files (other
// blocks and text between them are skipped); a file without one is an
// error.
func LoadPEMCertificates(paths []string) ([]*smx509.Certificate, error) {
	var out []*smx509.Certificate
	for _, p := range paths {
		b, err := ReadCapped(p, MaxPEMFile)
		if err != nil {
			return nil, err
		}
		cs, err := ParsePEMCertificates(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, cs...)
	}
	return out, nil
}

// ErrNoCertificate: a PEM file holds no CERTIFICATE block.
var ErrNoCertificate = errors.New("no PEM certificate in it")

// ParsePEMCertificates parses the CERTIFICATE blocks of a PEM bundle,
// skipping other blocks and the text between them; a bundle without one
// is ErrNoCertificate, a block that is not a certificate an error.
func ParsePEMCertificates(b []byte) ([]*smx509.Certificate, error) {
	var out []*smx509.Certificate
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
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, ErrNoCertificate
	}
	return out, nil
}

// MaxPDF caps a PDF a command reads.
const MaxPDF = 64 << 20

// Strings is a repeatable string flag (flag.Value): each use appends.
type Strings []string

func (s *Strings) String() string     { return strings.Join(*s, ",") }
func (s *Strings) Set(v string) error { *s = append(*s, v); return nil }
