package render

import (
	"fmt"

	"sihub/signer/render/pdfw"
	"sihub/signer/render/qr"
)

// drawQR draws text as a QR code (byte mode, error correction level M,
// quiet zone included) in the square with lower-left corner (x, y) and
// side size. Dark modules are filled rectangles, one per horizontal run.
func drawQR(c *pdfw.Content, text string, x, y, size float64) error {
	q, err := qr.Encode(text)
	if err != nil {
		return fmt.Errorf("render: qr code: %w", err)
	}
	bm := q.Bitmap()
	n := len(bm)
	m := size / float64(n)
	c.FillRGB(1, 1, 1)
	c.Rect(x, y, size, size)
	c.Raw("f\nq 0 g\n")
	// Module coordinates: one unit per module, rows counted downwards
	// from the top edge, so every rectangle is a few small integers.
	c.Op("cm", m, 0, 0, -m, x, y+size)
	for i, row := range bm {
		for j := 0; j < len(row); {
			if !row[j] {
				j++
				continue
			}
			k := j
			for k < len(row) && row[k] {
				k++
			}
			c.Op("re", float64(j), float64(i), float64(k-j), 1)
			j = k
		}
	}
	c.Raw("f Q\n")
	return nil
}
