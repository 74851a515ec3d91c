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

// Bounds of the XML Check reads from an SVG picture.
const (
	maxSVGTokens = 100000
	maxSVGDepth  = 64
)

// Check reports whether the picture is well-formed: a known type, data
// that matches it (PNG: header and dimensions decode; SVG: well-formed XML
// with an <svg> root and no scripts, event handlers or javascript: links;
// GIF, JPG, BMP, OFD: their magic bytes) and a positive size in
// millimetres. Failures wrap ErrBadPicture.
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

// activeSVG reports whether an element can run code or pull content when
// the picture is shown: script, foreignObject, event-handler attributes and
// javascript: links. Seal pictures from other producers are displayed, so
// these are refused.
func activeSVG(e xml.StartElement) bool {
	switch strings.ToLower(e.Name.Local) {
	case "script", "foreignobject", "iframe", "embed", "object":
		return true
	}
	for _, a := range e.Attr {
		name := strings.ToLower(a.Name.Local)
		if strings.HasPrefix(name, "on") {
			return true
		}
		if name == "href" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Value)), "javascript:") {
			return true
		}
	}
	return false
}

// isSVG reports whether data is well-formed XML whose root element is svg
// and that holds no active content (see activeSVG).
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
			if activeSVG(t) {
				return false
			}
			if depth == 0 {
				if root != "" {
					return false
				}
				root = t.Name.Local
			}
			if depth++; depth > maxSVGDepth {
				return false
			}
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
