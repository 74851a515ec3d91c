package portal

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"sihub/model"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageNames are the pages; each is templates/<name>.html defining
// "content", rendered inside templates/layout.html.
var pageNames = []string{"home", "login", "documents", "code_form", "verify_code", "upload_form", "upload_result", "error", "document",
	"ca_overview", "ca_seals", "ca_seal", "ca_seal_new", "ca_certificates", "ca_messages", "messages"}

type templates struct {
	byName map[string]*template.Template
}

var templateFuncs = template.FuncMap{
	"kindName": KindName,
	"date":     fmtDate,
	"datetime": fmtDateTime,
	"group":    groupCode,
	"maskName": model.MaskName,
	"maskID":   model.MaskID,
}

func parseTemplates() (*templates, error) {
	t := &templates{byName: make(map[string]*template.Template)}
	for _, name := range pageNames {
		tpl, err := template.New("layout.html").Funcs(templateFuncs).
			ParseFS(templateFS, "templates/layout.html", "templates/report_*.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("portal: parsing template %s: %w", name, err)
		}
		t.byName[name] = tpl
	}
	return t, nil
}

// view is what every page template receives.
type view struct {
	Title     string
	Agency    string
	Version   string
	Theme     string
	User      *session
	CSRF      string
	RequestID string
	Path      string
	Data      any
	// Unread counts the user's unread in-platform messages (the header's
	// inbox link).
	Unread int
}

// render executes page name into a buffer and writes it with status, so a
// template failure never leaves half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	tpl, ok := s.pages.byName[name]
	if !ok {
		panic("portal: unknown page " + name)
	}
	v := view{
		Title:     title,
		Agency:    s.cfg.AgencyName,
		Version:   s.cfg.Version,
		Theme:     s.cfg.ThemeColor,
		CSRF:      s.csrfToken(w, r),
		RequestID: requestID(r.Context()),
		Path:      r.URL.Path,
		Data:      data,
	}
	if se, ok := s.currentSession(r); ok {
		v.User = se
		if name != "messages" { // that page marks them read as it opens
			v.Unread = s.unreadCount(r.Context(), se)
		}
	}
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, v); err != nil {
		s.log.ErrorContext(r.Context(), "template failed", "request_id", v.RequestID, "page", name, "err", err)
		if name != "error" {
			s.render(w, r, http.StatusInternalServerError, "error", "系统繁忙", errorPage{Problem: s.classify(err)})
			return
		}
		http.Error(w, "系统繁忙，请稍后再试。请求编号 "+v.RequestID, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

//go:embed static
var staticFS embed.FS

// handleStatic serves the embedded assets.
func (s *server) handleStatic(w http.ResponseWriter, r *http.Request) error {
	name := pathParam(r, "file")
	if strings.Contains(name, "/") || strings.HasPrefix(name, ".") {
		return errNoRoute
	}
	b, err := fs.ReadFile(staticFS, "static/"+name)
	if err != nil {
		return errNoRoute
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case strings.HasSuffix(name, ".js"):
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case strings.HasSuffix(name, ".svg"):
		w.Header().Set("Content-Type", "image/svg+xml")
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
	return nil
}

// handleThemeCSS serves the configured theme colour as CSS variables, so
// the style sheet stays static and no inline style is needed (CSP).
func (s *server) handleThemeCSS(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	fmt.Fprintf(w, ":root{--brand:%s;}\n", s.cfg.ThemeColor)
	return nil
}
