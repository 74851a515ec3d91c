package render

import (
	"sihub/signer/pades"
	"sihub/signer/render/pdfw"
)

// writeSigDict writes object n as the signature dictionary that
// pades.SigDict(info, contentsLen) returns, byte for byte, and returns
// its placeholder located in the file. pades.SigDict spells the
// /Contents placeholder out in a buffer of its own, twice as large as
// the CMS it reserves room for; here the dictionary is asked for with a
// one-byte placeholder and the zeros are written straight into the file.
// Should the short dictionary not hold the placeholder where it says
// ("<00>"), the full one is written instead.
func writeSigDict(w *pdfw.Writer, n int, info pades.SigInfo, contentsLen int) pades.Placeholder {
	short, ph := pades.SigDict(info, 1)
	c, end := ph.Contents, ph.Contents+ph.ContentsLen
	if ph.ContentsLen != 4 || end > len(short) || string(short[c:end]) != "<00>" || ph.ByteRange > c {
		dict, ph := pades.SigDict(info, contentsLen)
		return ph.Shift(w.ObjectBytes(n, dict))
	}
	w.Begin(n)
	off := w.Len()
	w.Write(short[:c+1])
	w.Fill('0', 2*contentsLen)
	w.Write(short[end-1:])
	w.End()
	ph.ContentsLen = 2*contentsLen + 2
	return ph.Shift(off)
}
