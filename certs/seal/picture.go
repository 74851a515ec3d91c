package seal

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"io"
	"strings"
)

// Picture types this package recognises (SES_ESPictrueInfo.type).
const (
	PictureSVG = "SVG"
	PicturePNG = "PNG"
	PictureGIF = "GIF"
	PictureJPG = "JPG"
	PictureBMP = "BMP"
	PictureOFD = "OFD"
)

// maxSVGTokens bounds the XML tokens Check reads from an SVG picture.
const maxSVGTokens = 100000

// Check reports whether the picture is well-formed: a known type, data
// whose leading bytes (PNG: header and dimensions; SVG: XML with an <svg>
// root) match that type, and a positive size in millimetres. Failures wrap
// ErrBadPicture.
func (p *Picture) Check() error {
	if p.Width <= 0 || p.Height <= 0 {
		return fmt.Errorf("%w: size %d×%d mm", ErrBadPicture, p.Width, p.Height)
	}
	if len(p.Data) == 0 {
		return fmt.Errorf("%w: no data", ErrBadPicture)
	}
	var ok bool
	switch strings.ToUpper(p.Type) {
	case PicturePNG:
		cfg, err := png.DecodeConfig(bytes.NewReader(p.Data))
		ok = err == nil && cfg.Width > 0 && cfg.Height > 0
	case PictureSVG:
		ok = isSVG(p.Data)
	case PictureGIF:
		ok = bytes.HasPrefix(p.Data, []byte("GIF87a")) || bytes.HasPrefix(p.Data, []byte("GIF89a"))
	case PictureJPG, "JPEG":
		ok = bytes.HasPrefix(p.Data, []byte{0xFF, 0xD8, 0xFF})
	case PictureBMP:
		ok = bytes.HasPrefix(p.Data, []byte("BM"))
	case PictureOFD:
		ok = bytes.HasPrefix(p.Data, []byte("PK\x03\x04"))
	default:
		return fmt.Errorf("%w: unknown type %q", ErrBadPicture, p.Type)
	}
	if !ok {
		return fmt.Errorf("%w: data is not %s", ErrBadPicture, p.Type)
	}
	return nil
}

// isSVG reports whether data is well-formed XML whose root element is svg.
func isSVG(data []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	depth, root := 0, ""
	for i := 0; i < maxSVGTokens; i++ {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return root == "svg" && depth == 0
		}
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if root != "" {
					return false
				}
				root = t.Name.Local
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return false
			}
		}
	}
	return false
}
