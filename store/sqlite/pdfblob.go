package sqlite

import (
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/s2"
)

// Stored PDFs are S2 blocks (schema step 7). An issued certificate is
// about 64 KB, of which the signature placeholder's unused hex digits,
// the DSS's certificates and the uncompressed font tail are most of what
// compresses: S2 makes it about 44 KB in some 20 µs and reads it back in
// a few µs, where flate took 250–300 µs for about the same size. Every
// stored byte goes to the disk twice (the WAL, then the checkpoint), and
// under load the issuing path waits on those writes.

// encodingS2 marks a pdfs row holding an S2 block; the empty encoding is the PDF as
// written (rows stored before step 7, and PDFs S2 does not shrink).
const encodingS2 = "s2"

// maxStoredPDF caps what a stored block may claim to decode to.
const maxStoredPDF = 256 << 20

// errBadBlob: a stored PDF cannot be decoded.
var errBadBlob = errors.New("stored PDF is damaged")

// encodePDF returns what to store for pdf and its encoding, and done,
// to be called once the returned bytes are no longer used (the statement
// that stores them copies them): an S2 block is written into memory that
// the next document reuses.
func encodePDF(pdf []byte) (blob []byte, enc string, done func()) {
	if len(pdf) == 0 {
		return []byte{}, "", func() {}
	}
	if len(pdf) <= maxPooledPDF {
		buf := blobBufs.Get().(*[]byte)
		if b := s2.Encode((*buf)[:cap(*buf)], pdf); len(b) < len(pdf) {
			*buf = b
			return b, encodingS2, func() { blobBufs.Put(buf) }
		}
		blobBufs.Put(buf)
	} else if len(pdf) <= maxStoredPDF {
		if b := s2.Encode(nil, pdf); len(b) < len(pdf) {
			return b, encodingS2, func() {}
		}
	}
	return pdf, "", func() {}
}

// maxPooledPDF is the largest PDF whose S2 block goes into recycled
// memory (a statement of many pages is rarer and larger).
const maxPooledPDF = 1 << 20

// blobBufs recycles the memory of S2 blocks once they are stored.
var blobBufs = sync.Pool{New: func() any { return new([]byte) }}

// decodePDF reverses encodePDF.
func decodePDF(blob []byte, enc string) ([]byte, error) {
	switch enc {
	case "":
		if blob == nil {
			blob = []byte{}
		}
		return blob, nil
	case encodingS2:
		n, err := s2.DecodedLen(blob)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errBadBlob, err)
		}
		if n > maxStoredPDF {
			return nil, fmt.Errorf("%w: claims %d bytes", errBadBlob, n)
		}
		pdf, err := s2.Decode(make([]byte, n), blob)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errBadBlob, err)
		}
		return pdf, nil
	default:
		return nil, fmt.Errorf("%w: unknown encoding %q", errBadBlob, enc)
	}
}
