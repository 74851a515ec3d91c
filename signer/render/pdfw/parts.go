package pdfw

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"strconv"
	"sync"

	"github.com/klauspost/compress/flate"
)

// Deflated is stream data compressed ahead of time, to be spliced into
// streams by StreamParts: a run of non-final deflate blocks that ends on
// a byte boundary (a sync flush), with the Adler-32 checksum and length
// of its input. A deflate stream may be cut and joined at such
// boundaries, so data that many files share (a font's constant part, a
// template's text) is compressed once per process, at a high level, and
// copied into each file. A Deflated is read-only and safe to share.
type Deflated struct {
	data  []byte
	adler uint32
	n     int
}

// Deflate compresses p at the given compress/flate level (-2 Huffman
// only … 9 best) as a piece for StreamParts.
func Deflate(p []byte, level int) (*Deflated, error) {
	if level < flate.HuffmanOnly || level > flate.BestCompression {
		return nil, fmt.Errorf("pdfw: flate level %d", level)
	}
	var out bytes.Buffer
	out.Grow(len(p)/2 + 64)
	pool := &levelPools[level-flate.HuffmanOnly]
	z, _ := pool.Get().(*flate.Writer)
	if z == nil {
		var err error
		if z, err = flate.NewWriter(&out, level); err != nil {
			return nil, err
		}
	} else {
		z.Reset(&out)
	}
	if _, err := z.Write(p); err != nil {
		return nil, err
	}
	if err := z.Flush(); err != nil {
		return nil, err
	}
	z.Reset(nil)
	pool.Put(z)
	return &Deflated{data: out.Bytes(), adler: adler32.Checksum(p), n: len(p)}, nil
}

// levelPools keep Deflate's writers per level: a writer costs far more to
// set up than to compress a few KiB.
var levelPools [flate.BestCompression - flate.HuffmanOnly + 1]sync.Pool

// Len is the length of the piece's input.
func (d *Deflated) Len() int { return d.n }

// CompressedLen is the length of the compressed piece.
func (d *Deflated) CompressedLen() int { return len(d.data) }

// Part is one piece of a stream: Pre, compressed ahead of time, or Raw,
// compressed while the stream is written.
type Part struct {
	Pre *Deflated
	Raw []byte
}

// flatePools hold raw deflate writers per Compression.
var flatePools = [...]*sync.Pool{
	Fast: {New: func() any {
		z, _ := flate.NewWriter(nil, flate.BestSpeed)
		return z
	}},
	Huffman: {New: func() any {
		z, _ := flate.NewWriter(nil, flate.HuffmanOnly)
		return z
	}},
}

// finalBlock is an empty final deflate block (fixed Huffman codes).
var finalBlock = [2]byte{0x03, 0x00}

// StreamParts writes object n as one /FlateDecode stream whose data is
// the parts joined in order; Raw parts are compressed with c, or with
// Store written as stored (uncompressed) deflate blocks, which costs a
// copy: the choice for small pieces that differ in every file. dict
// holds extra dictionary entries, as for Stream.
func (w *Writer) StreamParts(n int, dict string, parts []Part, c Compression) {
	out := outBufs.Get().(*bytes.Buffer)
	defer putOut(out)
	out.Reset()
	raw := 0
	for _, p := range parts {
		raw += len(p.Raw)
	}
	out.Grow(raw/2 + 64)
	var z *flate.Writer
	adler := uint32(1)
	for _, p := range parts {
		if p.Pre != nil {
			out.Write(p.Pre.data)
			adler = adlerCombine(adler, p.Pre.adler, p.Pre.n)
			continue
		}
		if len(p.Raw) == 0 {
			continue
		}
		adler = adlerCombine(adler, adler32.Checksum(p.Raw), len(p.Raw))
		if c == Store {
			appendStored(out, p.Raw)
			continue
		}
		if z == nil {
			z = flatePools[c].Get().(*flate.Writer)
		}
		z.Reset(out)
		z.Write(p.Raw)
		z.Flush()
	}
	if z != nil {
		z.Reset(nil)
		flatePools[c].Put(z)
	}
	out.Write(finalBlock[:])

	w.Begin(n)
	w.buf = append(w.buf, "<< /Filter /FlateDecode "...)
	if dict != "" {
		w.buf = append(w.buf, dict...)
		w.buf = append(w.buf, ' ')
	}
	w.buf = append(w.buf, "/Length "...)
	w.buf = strconv.AppendInt(w.buf, int64(2+out.Len()+4), 10)
	w.buf = append(w.buf, " >>\nstream\n"...)
	w.buf = append(w.buf, 0x78, 0x01) // zlib header: deflate, 32 KiB window
	w.buf = append(w.buf, out.Bytes()...)
	w.buf = binary.BigEndian.AppendUint32(w.buf, adler)
	w.buf = append(w.buf, "\nendstream"...)
	w.End()
}

// appendStored writes p as non-final stored deflate blocks.
func appendStored(out *bytes.Buffer, p []byte) {
	for len(p) > 0 {
		n := min(len(p), 0xFFFF)
		out.Write([]byte{0, byte(n), byte(n >> 8), ^byte(n), ^byte(n >> 8)})
		out.Write(p[:n])
		p = p[n:]
	}
}

// adlerMod is the Adler-32 modulus.
const adlerMod = 65521

// adlerCombine returns the Adler-32 checksum of a‖b given the checksums
// of a and b and the length of b.
func adlerCombine(a, b uint32, lenB int) uint32 {
	rem := uint32(lenB % adlerMod)
	a1, a2 := a&0xFFFF, a>>16
	b1, b2 := b&0xFFFF, b>>16
	s1 := (a1 + b1 + adlerMod - 1) % adlerMod
	s2 := (a2 + b2 + uint32((uint64(rem)*uint64(a1))%adlerMod) + adlerMod - rem) % adlerMod
	return s2<<16 | s1
}
