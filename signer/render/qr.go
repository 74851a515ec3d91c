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
	c.Raw("f\n0 g\n")
	for i, row := range bm {
		top := y + size - float64(i+1)*m
		for j := 0; j < len(row); {
			if !row[j] {
				j++
				continue
			}
			k := j
			for k < len(row) && row[k] {
				k++
			}
			c.Rect(x+float64(j)*m, top, float64(k-j)*m, m)
			j = k
		}
	}
	c.Raw("f\n")
	return nil
}
