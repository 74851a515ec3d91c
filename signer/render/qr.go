package render

import (
	"fmt"

	"sihub/signer/render/pdfw"
	"sihub/signer/render/qr"
)

// drawQR draws text as a QR code (byte mode, error correction level M,
// quiet zone included) in the square with lower-left corner (x, y) and
// side size. The dark modules are one filled path of rectangles in module
// units: each horizontal run of dark modules, merged with the identical
// runs of the rows below it, so the path covers exactly the dark modules
// with about a tenth fewer rectangles than one per run.
func drawQR(c *pdfw.Content, text string, x, y, size float64) error {
	q, err := qr.Encode(text)
	if err != nil {
		return fmt.Errorf("render: qr code: %w", err)
	}
	n := q.Size + 2*qr.QuietZone
	m := size / float64(n)
	c.FillRGB(1, 1, 1)
	c.Rect(x, y, size, size)
	c.Raw("f\nq 0 g\n")
	// Module coordinates: one unit per module, rows counted downwards
	// from the top edge, so every rectangle is a few small integers.
	c.Op("cm", m, 0, 0, -m, x, y+size)
	c.B = append(appendQRRects(c.B, q, qr.QuietZone), "f Q\n"...)
	return nil
}

// appendQRRects appends "x y w h re" lines covering the dark modules of
// q, offset by off modules: every maximal horizontal run, extended over
// the rows below that hold the same run.
func appendQRRects(b []byte, q *qr.Code, off int) []byte {
	n := q.Size
	dark := q.Modules()
	// end[y*n+x] is one past the last module of the run of row y that
	// starts at x, 0 if none starts there; drawn as part of a taller
	// rectangle, it becomes -1.
	end := make([]int16, n*n)
	for y := 0; y < n; y++ {
		row := end[y*n : (y+1)*n]
		mods := dark[y*n : (y+1)*n]
		for x := 0; x < n; {
			if !mods[x] {
				x++
				continue
			}
			k := x + 1
			for k < n && mods[k] {
				k++
			}
			row[x] = int16(k)
			x = k
		}
	}
	for y := 0; y < n; y++ {
		row := end[y*n : (y+1)*n]
		for x, k := range row {
			if k <= 0 {
				continue
			}
			h := 1
			for y+h < n && end[(y+h)*n+x] == k {
				end[(y+h)*n+x] = -1
				h++
			}
			b = pdfw.AppendNum(b, float64(x+off))
			b = append(b, ' ')
			b = pdfw.AppendNum(b, float64(y+off))
			b = append(b, ' ')
			b = pdfw.AppendNum(b, float64(int(k)-x))
			b = append(b, ' ')
			b = pdfw.AppendNum(b, float64(h))
			b = append(b, " re\n"...)
		}
	}
	return b
}
