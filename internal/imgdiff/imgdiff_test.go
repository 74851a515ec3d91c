package imgdiff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// page returns a white w×h image with a black bar, like a rendered line
// of text.
func page(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, color.RGBA{255, 255, 255, 255})
		}
	}
	for x := 10; x < 90; x++ {
		img.SetRGBA(x, 20, color.RGBA{0, 0, 0, 255})
	}
	return img
}

func TestCompare(t *testing.T) {
	want := page(100, 100)

	same, err := Compare(want, page(100, 100), Options{})
	if err != nil || !same.Match || same.Differing != 0 || same.Compared != 10000 {
		t.Fatalf("identical images: %+v %v", same, err)
	}

	faint := page(100, 100)
	faint.SetRGBA(50, 50, color.RGBA{255 - 64, 255, 255, 255}) // exactly at the threshold
	if r, _ := Compare(want, faint, Options{}); r.Differing != 0 {
		t.Errorf("a difference of 64 counted: %v", r)
	}

	got := page(100, 100)
	for x := 0; x < 60; x++ { // 60 of 10,000 pixels: 0.6 %
		got.SetRGBA(x, 70, color.RGBA{0, 0, 0, 255})
	}
	r, err := Compare(want, got, Options{})
	if err != nil || r.Differing != 60 || r.Match {
		t.Errorf("60 changed pixels: %+v %v", r, err)
	}
	if r.Box != image.Rect(0, 70, 60, 71) {
		t.Errorf("box of the differences %v", r.Box)
	}
	if r, _ := Compare(want, got, Options{MaxFraction: 0.01}); !r.Match {
		t.Errorf("0.6 %% differs with 1 %% allowed: %v", r)
	}
	masked, _ := Compare(want, got, Options{Masks: []image.Rectangle{image.Rect(0, 65, 100, 75)}})
	if !masked.Match || masked.Differing != 0 || masked.Compared != 10000-1000 {
		t.Errorf("masked difference: %+v", masked)
	}
	one := page(100, 100)
	one.SetRGBA(1, 1, color.RGBA{0, 0, 0, 255})
	if r, _ := Compare(want, one, Options{MaxFraction: -1}); r.Match {
		t.Errorf("one pixel differs with none allowed: %v", r)
	}

	if _, err := Compare(want, page(100, 99), Options{}); !errors.Is(err, ErrSizeMismatch) {
		t.Errorf("size mismatch: %v", err)
	}
	if _, err := Diff(want, page(99, 100), Options{}); !errors.Is(err, ErrSizeMismatch) {
		t.Errorf("diff of a size mismatch: %v", err)
	}
}

func TestDiffMarksDifferences(t *testing.T) {
	want, got := page(100, 100), page(100, 100)
	got.SetRGBA(5, 5, color.RGBA{0, 0, 0, 255})
	d, err := Diff(want, got, Options{Masks: []image.Rectangle{image.Rect(80, 80, 100, 100)}})
	if err != nil {
		t.Fatal(err)
	}
	if c := d.RGBAAt(5, 5); c.R < 200 || c.G > 50 {
		t.Errorf("differing pixel drawn %v, want red", c)
	}
	if c := d.RGBAAt(90, 90); c.B != 255 || c.R == 255 {
		t.Errorf("masked pixel drawn %v, want blue", c)
	}
	if a, b := d.RGBAAt(50, 20), d.RGBAAt(50, 50); a.R >= b.R || a.R != a.G {
		t.Errorf("reference text %v not darker grey than paper %v", a, b)
	}
	b, err := EncodePNG(d)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil || back.Bounds() != d.Bounds() {
		t.Fatalf("diff PNG round trip: %v", err)
	}
}

func TestDecodeCaps(t *testing.T) {
	if _, err := Decode(make([]byte, MaxBytes+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized file: %v", err)
	}
	var huge bytes.Buffer
	if err := png.Encode(&huge, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	b := huge.Bytes()
	// IHDR width and height at offsets 16 and 20: claim 65536×65536.
	// The chunk's CRC (over type and data, bytes 12–28) follows at 29.
	copy(b[16:24], []byte{0, 1, 0, 0, 0, 1, 0, 0})
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	if _, err := Decode(b); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a header claiming 4 billion pixels: %v", err)
	}
	if _, err := Decode([]byte("not a png")); err == nil {
		t.Error("garbage decoded")
	}
}

func FuzzDecode(f *testing.F) {
	var b bytes.Buffer
	if err := png.Encode(&b, page(8, 8)); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(data)
		if err != nil {
			return
		}
		n := img.Bounds().Dx() * img.Bounds().Dy()
		if n > MaxPixels {
			t.Fatalf("decoded %d pixels", n)
		}
		if n > 1<<16 {
			return // comparing is linear; keep the fuzzer fast
		}
		if _, err := Compare(img, img, Options{MaxFraction: -1}); err != nil {
			t.Fatal(err)
		}
	})
}
