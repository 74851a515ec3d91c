package render

import (
	"fmt"
	"strconv"

	"sihub/signer/render/pdfw"
	"sihub/signer/render/qr"
)

// drawQR draws text as a QR code (byte mode, error correction level M,
// quiet zone included) in the square with lower-left corner (x, y) and
// side size: a white square, then the modules as an inline image mask
// (one bit per module, ASCIIHex, BI … ID … EI) painted black, scaled so
// that each module is one square of side size/(Size+2*QuietZone). A bit
// per module is a few hundred bytes where a path of rectangles (each run
// of dark modules, written as four numbers) took several kilobytes of
// content stream to format and to compress, for every document.
func drawQR(c *pdfw.Content, text string, x, y, size float64) error {
	q, err := qr.Encode(text)
	if err != nil {
		return fmt.Errorf("render: qr code: %w", err)
	}
	m := size / float64(q.Size+2*qr.QuietZone)
	side := m * float64(q.Size)
	c.FillRGB(1, 1, 1)
	c.Rect(x, y, size, size)
	c.Raw("f\nq 0 g\n")
	c.Op("cm", side, 0, 0, side, x+m*qr.QuietZone, y+m*qr.QuietZone)
	c.B = append(appendQRImage(c.B, q), "Q\n"...)
	return nil
}

// appendQRImage appends q's modules as an inline image mask of Size by
// Size samples, first row on top: a sample of 0 (a dark module) is
// painted, 1 (light) left alone. Rows are padded to whole bytes.
func appendQRImage(b []byte, q *qr.Code) []byte {
	n := q.Size
	b = append(b, "BI /IM true /W "...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, " /H "...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, " /BPC 1 /F /AHx ID\n"...)
	const hexDigits = "0123456789abcdef"
	dark := q.Modules()
	for y := 0; y < n; y++ {
		row := dark[y*n : (y+1)*n]
		for x := 0; x < n; x += 8 {
			var v byte
			for k := 0; k < 8; k++ {
				v <<= 1
				if x+k >= n || !row[x+k] {
					v |= 1
				}
			}
			b = append(b, hexDigits[v>>4], hexDigits[v&15])
		}
		b = append(b, '\n')
	}
	return append(b, ">\nEI\n"...)
}
