package portal

import (
	"net/http"

	"sihub/certs/seal"
	"sihub/model"
)

// pictureCSP replaces the page policy for a seal picture: an SVG opened
// on its own runs no script and loads nothing.
const pictureCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// pictureTypes are the SESeal picture types a browser shows, with their
// media types.
var pictureTypes = map[string]string{seal.PicturePNG: "image/png", seal.PictureSVG: "image/svg+xml"}

// handleCASealPicture serves the picture (印模) inside a seal's SESeal,
// for the seal's page. A seal without an SESeal, or with a picture type a
// browser cannot show, has none (404).
func (s *server) handleCASealPicture(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.requireCAAdmin(r); err != nil {
		return err
	}
	id := pathParam(r, "id")
	if err := validSealID(id); err != nil {
		return err
	}
	sl, err := s.deps.CAAdmin.Seal(r.Context(), id)
	if err != nil {
		return caError(caRead, err)
	}
	noPicture := userErr(model.ErrNotFound, "该印章没有可显示的印模。", nil)
	if len(sl.SESeal) == 0 {
		return noPicture
	}
	parsed, err := seal.Parse(sl.SESeal)
	if err != nil {
		return noPicture
	}
	ct, ok := pictureTypes[parsed.Info.Picture.Type]
	if !ok {
		return noPicture
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Security-Policy", pictureCSP)
	h.Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(parsed.Info.Picture.Data)
	return nil
}
