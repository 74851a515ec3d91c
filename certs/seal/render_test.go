package seal

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The business seal picture is stable: testdata/business_seal.svg is the
// reviewed rendering (go test -run Golden -update rewrites it).
func TestRenderSVGGolden(t *testing.T) {
	svg, err := RenderSVG(Design{Agency: "某某市社会保险事业管理中心", Name: "业务专用章", Code: "3301000012345"})
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "business_seal.svg")
	if *update {
		if err := os.WriteFile(golden, svg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(svg, want) {
		t.Errorf("rendering differs from %s (run with -update after reviewing)", golden)
	}
}

func TestRenderSVG(t *testing.T) {
	d := Design{Agency: "某某市社会保险事业管理中心", Name: "业务专用章", Code: "3301&<>"}
	svg, err := RenderSVG(d)
	if err != nil {
		t.Fatal(err)
	}
	p := Picture{Type: PictureSVG, Data: svg, Width: 42, Height: 42}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		Width   string   `xml:"width,attr"`
		ViewBox string   `xml:"viewBox,attr"`
		G       struct {
			Circle []struct {
				R string `xml:"r,attr"`
			} `xml:"circle"`
			Polygon []struct {
				Points string `xml:"points,attr"`
			} `xml:"polygon"`
			Text []string `xml:"text"`
		} `xml:"g"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Width != "42mm" || doc.ViewBox != "0 0 42 42" {
		t.Errorf("width %q viewBox %q", doc.Width, doc.ViewBox)
	}
	if len(doc.G.Circle) != 1 || len(doc.G.Polygon) != 1 || len(strings.Fields(doc.G.Polygon[0].Points)) != 10 {
		t.Errorf("want one ring and a ten-vertex star, got %d circles, %d polygons", len(doc.G.Circle), len(doc.G.Polygon))
	}
	// One text per agency character, the seal name, one per code character.
	var want []string
	for _, r := range d.Agency {
		want = append(want, string(r))
	}
	want = append(want, d.Name)
	for _, r := range d.Code {
		want = append(want, string(r))
	}
	if strings.Join(doc.G.Text, "|") != strings.Join(want, "|") {
		t.Errorf("texts %q, want %q", doc.G.Text, want)
	}
	// Sizes scale with the design.
	big, err := RenderSVG(Design{Agency: "甲", Name: "乙", SizeMM: 58})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(big, []byte(`width="58mm"`)) {
		t.Error("58 mm design not 58 mm wide")
	}
}

func TestRenderPNG(t *testing.T) {
	d := Design{Agency: "某某市社会保险事业管理中心", Name: "业务专用章"}
	data, err := RenderPNG(d, 5)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 210 || b.Dy() != 210 {
		t.Fatalf("size %v, want 210×210 at 5 px/mm", b)
	}
	g := layout(d)
	px := func(xmm, ymm float64) (r, gr, b, a uint32) { return img.At(int(xmm*5), int(ymm*5)).RGBA() }
	for _, c := range []struct {
		name   string
		x, y   float64
		opaque bool
	}{
		{"star centre", g.c, g.c, true},
		{"ring left", g.c - g.ringR, g.c, true},
		{"ring bottom", g.c, g.c + g.ringR, true},
		{"corner", 0.5, 0.5, false},
		{"between star and ring", g.c + g.starR + 2, g.c, false},
	} {
		r, gr, b, a := px(c.x, c.y)
		if c.opaque && (a != 0xFFFF || r>>8 != uint32(sealRedRGB[0]) || gr>>8 != uint32(sealRedRGB[1]) || b>>8 != uint32(sealRedRGB[2])) {
			t.Errorf("%s: %d %d %d %d, want opaque seal red", c.name, r>>8, gr>>8, b>>8, a>>8)
		}
		if !c.opaque && a != 0 {
			t.Errorf("%s: alpha %d, want transparent", c.name, a>>8)
		}
	}
	if _, err := RenderPNG(d, MaxPixelsPerMM+1); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("oversized raster: %v", err)
	}
}

func TestPictureCheck(t *testing.T) {
	for _, c := range []struct {
		name string
		p    Picture
		ok   bool
	}{
		{"svg", Picture{Type: "SVG", Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), Width: 1, Height: 1}, true},
		{"svg-lowercase-type", Picture{Type: "svg", Data: []byte(`<svg/>`), Width: 1, Height: 1}, true},
		{"svg-other-root", Picture{Type: "SVG", Data: []byte(`<html/>`), Width: 1, Height: 1}, false},
		{"svg-unclosed", Picture{Type: "SVG", Data: []byte(`<svg><g></svg>`), Width: 1, Height: 1}, false},
		{"svg-two-roots", Picture{Type: "SVG", Data: []byte(`<svg/><svg/>`), Width: 1, Height: 1}, false},
		{"svg-script", Picture{Type: "SVG", Data: []byte(`<svg><script>alert(1)</script></svg>`), Width: 1, Height: 1}, false},
		{"svg-onload", Picture{Type: "SVG", Data: []byte(`<svg onload="alert(1)"/>`), Width: 1, Height: 1}, false},
		{"svg-javascript-link", Picture{Type: "SVG", Data: []byte(`<svg><a href=" JavaScript:alert(1)"><text>x</text></a></svg>`), Width: 1, Height: 1}, false},
		{"svg-foreign", Picture{Type: "SVG", Data: []byte(`<svg><foreignObject/></svg>`), Width: 1, Height: 1}, false},
		{"svg-deep", Picture{Type: "SVG", Data: []byte("<svg>" + strings.Repeat("<g>", maxSVGDepth) + strings.Repeat("</g>", maxSVGDepth) + "</svg>"), Width: 1, Height: 1}, false},
		{"svg-nested", Picture{Type: "SVG", Data: []byte("<svg>" + strings.Repeat("<g>", maxSVGDepth-1) + strings.Repeat("</g>", maxSVGDepth-1) + "</svg>"), Width: 1, Height: 1}, true},
		{"png-garbage", Picture{Type: "PNG", Data: []byte("\x89PNG\r\n\x1a\nxx"), Width: 1, Height: 1}, false},
		{"gif", Picture{Type: "GIF", Data: []byte("GIF89a..."), Width: 1, Height: 1}, true},
		{"jpg-as-gif", Picture{Type: "GIF", Data: []byte{0xFF, 0xD8, 0xFF, 0}, Width: 1, Height: 1}, false},
		{"unknown-type", Picture{Type: "TIFF", Data: []byte("II*"), Width: 1, Height: 1}, false},
		{"empty", Picture{Type: "SVG", Width: 1, Height: 1}, false},
		{"zero-size", Picture{Type: "SVG", Data: []byte(`<svg/>`)}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.p.Check()
			if c.ok && err != nil {
				t.Fatal(err)
			}
			if !c.ok && !errors.Is(err, ErrBadPicture) {
				t.Fatalf("got %v, want ErrBadPicture", err)
			}
		})
	}
}
