package portal

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"sihub/model"
	"sihub/verifier"
)

type uploadFormPage struct {
	Limit string
}

func (s *server) handleUploadForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "upload_form", "文件验证", uploadFormPage{Limit: humanBytes(s.cfg.MaxUploadBytes)})
	return nil
}

// readUpload reads the PDF in multipart field "file", at most
// MaxUploadBytes (the body itself is capped by withBodyLimit).
func (s *server) readUpload(r *http.Request) ([]byte, error) {
	if r.ContentLength > s.cfg.MaxUploadBytes+multipartOverhead {
		return nil, ErrTooLarge // declared too large: refuse without reading
	}
	if err := r.ParseMultipartForm(s.cfg.MaxUploadBytes + multipartOverhead); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, err
		}
		// multipart does not always wrap the reader's error; a capped body
		// that hit its limit keeps answering with it.
		if _, rerr := r.Body.Read(make([]byte, 1)); errors.As(rerr, &tooBig) {
			return nil, rerr
		}
		return nil, userErr(ErrBadRequest, "请通过表单选择并上传 PDF 文件。", err)
	}
	f, _, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, userErr(ErrBadRequest, "请选择要验证的 PDF 文件。", err)
	}
	if err != nil {
		return nil, userErr(ErrBadRequest, "", err)
	}
	defer f.Close()
	pdf, err := io.ReadAll(io.LimitReader(f, s.cfg.MaxUploadBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(pdf)) > s.cfg.MaxUploadBytes {
		return nil, ErrTooLarge
	}
	if len(pdf) == 0 {
		return nil, userErr(ErrBadRequest, "上传的文件是空的，请重新选择。", nil)
	}
	return pdf, nil
}

// cleanupMultipart removes temporary files of a parsed multipart form.
func cleanupMultipart(r *http.Request) {
	if r.MultipartForm != nil {
		_ = r.MultipartForm.RemoveAll()
	}
}

func (s *server) handleVerifyUpload(w http.ResponseWriter, r *http.Request) error {
	defer cleanupMultipart(r)
	if err := s.limitUpload(r); err != nil {
		return err
	}
	pdf, err := s.readUpload(r)
	if err != nil {
		return err
	}
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	if s.deps.Verifier == nil {
		return userErr(ErrUnavailable, "文件验证服务暂不可用，请稍后再试，或使用防伪码验证。", nil)
	}
	rep := s.deps.Verifier.Verify(r.Context(), pdf)
	s.recordVerification(r, "upload", nil, rep)
	id := s.results.put(rep)
	page := s.uploadReport(r, rep, s.cfg.Now(), s.pageLang(w, r), id)
	s.render(w, r, http.StatusOK, "upload_result", page.W.TitleUpload, page)
	return nil
}

// uploadReport builds the result page of a verified file; the registry
// entry of the code it carries adds the withdrawal reason or the
// replacement's date.
func (s *server) uploadReport(r *http.Request, rep *verifier.Report, at time.Time, lang, id string) reportPage {
	in := reportInput{lang: lang, agency: s.cfg.AgencyName, now: at, rep: rep}
	if c := rep.Document.Code; c != "" && rep.Document.RegistryStatus != verifier.RegistryUnknown {
		if d, err := s.deps.Documents.DocumentByCode(r.Context(), c); err == nil {
			in.doc = &d
			if d.Status == model.DocSuperseded && d.SupersededBy != "" {
				if nd, err := s.deps.Documents.DocumentByCode(r.Context(), d.SupersededBy); err == nil {
					in.replacement = &nd
				}
			}
		}
	}
	page := buildReport(in)
	page.Upload = true
	page.checked = "sha256:" + rep.Document.SHA256 // the report is about this file
	page.Toggle, page.ToggleLabel = "/verify/result/"+id+"?lang="+otherLangCode(lang), otherLangLabel(lang)
	page.ReportURL = "/verify/result/" + id + "/report.pdf?lang=" + lang
	return page
}

// cachedUpload finds a recent upload's result by the id in the path.
func (s *server) cachedUpload(r *http.Request) (cachedResult, error) {
	res, ok := s.results.get(pathParam(r, "id"))
	if !ok {
		return cachedResult{}, userErr(model.ErrNotFound, "验证结果已过期（保留 30 分钟），请重新上传文件。", nil)
	}
	return res, nil
}

// handleUploadResult shows a recent upload's result again, e.g. in the
// other language.
func (s *server) handleUploadResult(w http.ResponseWriter, r *http.Request) error {
	res, err := s.cachedUpload(r)
	if err != nil {
		return err
	}
	page := s.uploadReport(r, res.rep, res.at, s.pageLang(w, r), pathParam(r, "id"))
	s.render(w, r, http.StatusOK, "upload_result", page.W.TitleUpload, page)
	return nil
}

// handleUploadReport sends the sealed verification report of a recent
// upload. The file itself was not kept; the report says what the
// verification found.
func (s *server) handleUploadReport(w http.ResponseWriter, r *http.Request) error {
	res, err := s.cachedUpload(r)
	if err != nil {
		return err
	}
	page := s.uploadReport(r, res.rep, res.at, s.pageLang(w, r), pathParam(r, "id"))
	return s.sendReportPDF(w, r, &page)
}

// handleAPIVerifyUpload answers with the verifier's report, the same object
// `sihub verify --json` prints, whatever the verdict. Without an API key it
// is limited per client address; with one it needs the "verify:pdf" scope.
func (s *server) handleAPIVerifyUpload(w http.ResponseWriter, r *http.Request) error {
	defer cleanupMultipart(r)
	cl, err := s.apiCaller(r, ScopeVerifyPDF, func() error { return s.limitUpload(r) })
	if err != nil {
		return err
	}
	pdf, err := s.readUpload(r)
	if err != nil {
		return err
	}
	if s.deps.Verifier == nil {
		return ErrUnavailable
	}
	rep := s.deps.Verifier.Verify(r.Context(), pdf)
	s.recordVerification(r, "api_upload", cl, rep)
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// recordVerification counts and audits one verification of a file; cl is
// the institution when an API key was used.
func (s *server) recordVerification(r *http.Request, method string, cl *apiClient, rep *verifier.Report) {
	result, outcome := "invalid", "invalid"
	if rep.Valid {
		result, outcome = "valid", "ok"
	}
	s.metrics.verified.WithLabelValues(method, result).Inc()
	object := rep.Document.Code
	if object == "" {
		object = "sha256:" + rep.Document.SHA256
	}
	var reasons []string
	for _, p := range allProblems(rep) {
		reasons = append(reasons, string(p.Code))
	}
	actor, action, who := s.actor(r), actionVerify, ""
	if method != "upload" {
		actor = "api"
	}
	if cl != nil {
		actor, action, who = cl.actor(), actionVerifyAPI, cl.Institution+": "
	}
	s.audit(r, actor, action, object, outcome, who+method+": "+strings.Join(dedupe(reasons), ","))
}

func allProblems(rep *verifier.Report) []verifier.Problem {
	out := append([]verifier.Problem(nil), rep.Errors...)
	for _, sig := range rep.Signatures {
		out = append(out, sig.Errors...)
	}
	return out
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
