package render

import (
	"bytes"
	"testing"
	"time"

	"sihub/signer/pades"
	"sihub/signer/render/pdfw"
)

// TestWriteSigDictMatchesPades checks that the dictionary written into
// the file is the one pades.SigDict builds, byte for byte, with the same
// placeholder, for the sizes and dictionary contents in use.
func TestWriteSigDictMatchesPades(t *testing.T) {
	infos := []pades.SigInfo{
		{},
		{Name: "业务专用章", Reason: "参保证明", Location: "山东省青岛市", Time: time.Date(2026, 11, 28, 10, 30, 0, 0, cst)},
		{Name: "seal (a)", Reason: `back\slash`, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
	}
	for _, info := range infos {
		for _, n := range []int{1, 2, 3000, pades.DefaultContentsLen, MaxContentsLen} {
			w := pdfw.New(0)
			obj := w.Alloc()
			before := w.Len()
			got := writeSigDict(w, obj, info, n)
			dict, want := pades.SigDict(info, n)
			body := w.Bytes()[w.Offset(obj):]
			off := bytes.Index(body, []byte("<<"))
			if off < 0 || !bytes.Equal(body[off:off+len(dict)], dict) {
				t.Errorf("%+v, %d bytes: the dictionary differs from pades.SigDict's", info, n)
				continue
			}
			if want = want.Shift(w.Offset(obj) + off); got != want {
				t.Errorf("%+v, %d bytes: placeholder %+v, want %+v", info, n, got, want)
			}
			if w.Offset(obj) != before {
				t.Errorf("object written at %d, want %d", w.Offset(obj), before)
			}
		}
	}
}
