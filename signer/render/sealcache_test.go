package render

import (
	"bytes"
	"compress/zlib"
	"io"
	"testing"

	"sihub/signer/render/pdfw"
)

// inflatePart writes z as a stream and returns its decompressed data.
func inflatePart(t *testing.T, z *pdfw.Deflated) []byte {
	t.Helper()
	w := pdfw.New(0)
	w.StreamParts(w.Alloc(), "", []pdfw.Part{{Pre: z}}, pdfw.Store)
	b := w.Bytes()
	i, j := bytes.Index(b, []byte("stream\n")), bytes.LastIndex(b, []byte("\nendstream"))
	zr, err := zlib.NewReader(bytes.NewReader(b[i+7 : j]))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSealAppearanceShared checks that documents of one template share
// one compressed seal appearance, that it holds what drawSeal draws for
// each of them, and that another seal gets its own.
func TestSealAppearanceShared(t *testing.T) {
	f, err := NewFont(wqyMicroHei) // a fresh template cache
	if err != nil {
		t.Fatal(err)
	}
	seal := SealImage{Agency: "青岛市社会保险事业中心", Name: "业务专用章"}
	other := SealImage{Agency: "青岛市社会保险事业中心", Name: "专用章"}
	tpl, err := f.template([]string{seal.Agency, seal.Name})
	if err != nil {
		t.Fatal(err)
	}
	var first *pdfw.Deflated
	for i := 0; i < 3; i++ {
		d, err := newDoc(f, tpl)
		if err != nil {
			t.Fatal(err)
		}
		z, err := d.sealAppearance(seal)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = z
		} else if z != first {
			t.Fatalf("document %d: the seal appearance was made again", i)
		}
		fresh, _ := newDoc(f, tpl)
		if got, want := inflatePart(t, z), fresh.drawSeal(seal, sealDiameter); !bytes.Equal(got, want) {
			t.Fatalf("document %d: the shared appearance is not the seal drawn", i)
		}
		if len(d.more) != 0 {
			t.Errorf("document %d: the shared seal added %d glyphs of its own", i, len(d.more))
		}
	}
	d, _ := newDoc(f, tpl)
	z, err := d.sealAppearance(other)
	if err != nil {
		t.Fatal(err)
	}
	if z == first {
		t.Error("another seal got the first seal's appearance")
	}
	fresh, _ := newDoc(f, tpl)
	if !bytes.Equal(inflatePart(t, z), fresh.drawSeal(other, sealDiameter)) {
		t.Error("the other seal's appearance is not that seal drawn")
	}
	// More seals than a template keeps: the cache stays bounded.
	names := []rune(seal.Agency + seal.Name)
	for i := range names {
		if _, err := d.sealAppearance(SealImage{Agency: seal.Agency, Name: string(names[:i+1])}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(tpl.seals.m); n > maxSeals || n < 2 {
		t.Errorf("the template keeps %d seal appearances, at most %d", n, maxSeals)
	}
}

// TestSealAppearanceOwnGlyphs checks that a seal whose words are not the
// template's is drawn for the document alone, its glyphs joining the
// document's subset, and is not kept for others.
func TestSealAppearanceOwnGlyphs(t *testing.T) {
	f, err := NewFont(wqyMicroHei)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := f.template(nil) // digits only
	if err != nil {
		t.Fatal(err)
	}
	seal := SealImage{Agency: "青岛市社会保险事业中心", Name: "业务专用章"}
	d, _ := newDoc(f, tpl)
	z, err := d.sealAppearance(seal)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.more) == 0 {
		t.Error("the seal's glyphs did not join the document's subset")
	}
	d2, _ := newDoc(f, tpl)
	if !bytes.Equal(inflatePart(t, z), d2.drawSeal(seal, sealDiameter)) {
		t.Error("the appearance is not the seal drawn with the document's glyphs")
	}
	if n := len(tpl.seals.m); n != 0 {
		t.Errorf("the template keeps %d appearances drawn with a document's glyphs", n)
	}
}
