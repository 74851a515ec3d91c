package portal

import "net/http"

type uploadFormPage struct {
	Limit string
}

func (s *server) handleUploadForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "upload_form", "文件验证", uploadFormPage{Limit: humanBytes(s.cfg.MaxUploadBytes)})
	return nil
}

func (s *server) handleVerifyUpload(w http.ResponseWriter, r *http.Request) error {
	return ErrUnavailable
}

func (s *server) handleAPIVerifyUpload(w http.ResponseWriter, r *http.Request) error {
	return ErrUnavailable
}

// Verifier is replaced once package verifier lands.
type Verifier interface{}
