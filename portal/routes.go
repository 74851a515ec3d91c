package portal

import (
	"net/http"

	"github.com/gorilla/mux"
)

// routes installs every route and the middleware around them. It is the
// only file that knows the router.
func (s *server) routes() http.Handler {
	r := mux.NewRouter()
	r.StrictSlash(false)
	uploadLimit := s.cfg.MaxUploadBytes + multipartOverhead

	type route struct {
		method, path, name string
		h                  http.Handler
		limit              int64
	}
	table := []route{
		{"GET", "/", "home", s.page(s.handleHome), maxFormBytes},
		{"GET", "/login", "login", s.page(s.handleLoginForm), maxFormBytes},
		{"POST", "/login", "login", s.page(s.handleLogin), maxFormBytes},
		{"POST", "/logout", "logout", s.page(s.handleLogout), maxFormBytes},
		{"GET", "/me/documents", "my_documents", s.page(s.handleMyDocuments), maxFormBytes},
		{"POST", "/me/documents/issue", "issue", s.page(s.handleIssue), maxFormBytes},
		{"GET", "/me/documents/{code}/pdf", "download", s.page(s.handleDownload), maxFormBytes},
		{"GET", "/me/documents/{code}", "document", s.page(s.handleDocument), maxFormBytes},
		{"POST", "/me/documents/{code}/consents", "consent_grant", s.page(s.handleGrantConsent), maxFormBytes},
		{"GET", "/me/messages", "my_messages", s.page(s.handleMyMessages), maxFormBytes},
		{"GET", "/v", "verify_code_form", s.page(s.handleCodeForm), maxFormBytes},
		{"GET", "/v/{code}", "verify_code", s.page(s.handleVerifyCode), maxFormBytes},
		{"GET", "/v/{code}/report.pdf", "verify_code_report", s.page(s.handleVerifyCodeReport), maxFormBytes},
		{"GET", "/verify", "verify_upload_form", s.page(s.handleUploadForm), maxFormBytes},
		{"POST", "/verify", "verify_upload", s.page(s.handleVerifyUpload), uploadLimit},
		{"GET", "/verify/result/{id}", "verify_upload_result", s.page(s.handleUploadResult), maxFormBytes},
		{"GET", "/verify/result/{id}/report.pdf", "verify_upload_report", s.page(s.handleUploadReport), maxFormBytes},
		{"GET", "/api/v1/verify/{code}", "api_verify_code", s.api(s.handleAPIVerifyCode), maxFormBytes},
		{"POST", "/api/v1/verify", "api_verify_upload", s.api(s.handleAPIVerifyUpload), uploadLimit},
		{"POST", "/api/v1/verify/batch", "api_verify_batch", s.api(s.handleAPIBatch), s.cfg.MaxBatchBytes + multipartOverhead},
		{"GET", "/ca", "ca_overview", s.page(s.handleCAOverview), maxFormBytes},
		{"GET", "/ca/seals", "ca_seals", s.page(s.handleCASeals), maxFormBytes},
		{"POST", "/ca/seals", "ca_seal_request", s.page(s.handleCARequestSeal), maxFormBytes},
		{"GET", "/ca/seals/new", "ca_seal_new", s.page(s.handleCASealForm), maxFormBytes},
		{"GET", "/ca/seals/{id}", "ca_seal", s.page(s.handleCASeal), maxFormBytes},
		{"GET", "/ca/seals/{id}/picture", "ca_seal_picture", s.page(s.handleCASealPicture), maxFormBytes},
		{"POST", "/ca/seals/{id}/{action:approve|reject|suspend|resume|revoke}", "ca_seal_action", s.page(s.handleCASealAction), maxFormBytes},
		{"GET", "/ca/certificates", "ca_certificates", s.page(s.handleCACertificates), maxFormBytes},
		{"GET", "/ca/messages", "ca_messages", s.page(s.handleCAMessages), maxFormBytes},
		{"GET", "/api/v1/ca/session", "api_ca_session", s.api(s.handleAPICASession), maxFormBytes},
		{"GET", "/api/v1/ca/seals", "api_ca_seals", s.api(s.handleAPICASeals), maxFormBytes},
		{"POST", "/api/v1/ca/seals", "api_ca_seal_request", s.api(s.handleAPICARequestSeal), maxFormBytes},
		{"GET", "/api/v1/ca/seals/{id}", "api_ca_seal", s.api(s.handleAPICASeal), maxFormBytes},
		{"POST", "/api/v1/ca/seals/{id}/{action:approve|reject|suspend|resume|revoke}", "api_ca_seal_action", s.api(s.handleAPICASealAction), maxFormBytes},
		{"GET", "/api/v1/ca/certificates", "api_ca_certificates", s.api(s.handleAPICACertificates), maxFormBytes},
		{"GET", "/api/v1/ca/messages", "api_ca_messages", s.api(s.handleAPICAMessages), maxFormBytes},
		{"GET", "/healthz", "healthz", s.api(s.handleHealth), maxFormBytes},
		{"GET", "/metrics", "metrics", s.metrics.handler(), maxFormBytes},
		{"GET", "/static/theme.css", "static", s.page(s.handleThemeCSS), maxFormBytes},
		{"GET", "/static/{file}", "static", s.page(s.handleStatic), maxFormBytes},
	}
	for _, rt := range table {
		r.Handle(rt.path, s.instrument(rt.name, withBodyLimit(rt.limit, rt.h))).Methods(rt.method)
		if rt.method == "GET" {
			r.Handle(rt.path, s.instrument(rt.name, withBodyLimit(rt.limit, rt.h))).Methods("HEAD")
		}
	}
	r.NotFoundHandler = s.instrument("unmatched", s.fallback(errNoRoute))
	r.MethodNotAllowedHandler = s.instrument("unmatched", s.fallback(ErrMethod))

	var h http.Handler = r
	h = withSecurityHeaders(h)
	h = s.withRecover(h)
	h = s.withAccessLog(h)
	h = withRequestID(h)
	return h
}

// pathParam returns a variable of the matched route.
func pathParam(r *http.Request, name string) string {
	return mux.Vars(r)[name]
}
