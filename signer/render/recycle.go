package render

import (
	"sync"

	"sihub/signer/pades"
)

// fileBufs holds the memory of files handed back with Recycle.
var fileBufs sync.Pool

// maxRecycled is the largest buffer kept for reuse: a long statement,
// not an outlier that would pin its memory.
const maxRecycled = 1 << 20

// fileBuffer returns an empty buffer with room for size bytes: a
// recycled one when it is large enough.
func fileBuffer(size int) []byte {
	if b, ok := fileBufs.Get().(*[]byte); ok && cap(*b) >= size {
		return (*b)[:0]
	}
	return make([]byte, 0, size)
}

// Recycle hands the memory of p's file back to the renderer, to write a
// later document into, once the caller is done with it: after
// pades.Seal, which copies the file and leaves p as it was — never after
// pades.SealOwned, whose sealed file is p.PDF's own array. It sets p.PDF
// to nil; no slice of the old p.PDF may be used afterwards. Calling it is
// optional: a file not recycled is left to the garbage collector.
func (r *Renderer) Recycle(p *pades.Prepared) {
	if p == nil || cap(p.PDF) == 0 {
		return
	}
	if b := p.PDF[:0]; cap(b) <= maxRecycled {
		fileBufs.Put(&b)
	}
	p.PDF = nil
}
