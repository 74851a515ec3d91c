package portal

import (
	"net/http"
	"runtime"
)

func (s *server) handleHome(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Path != "/" {
		return errNoRoute
	}
	s.render(w, r, http.StatusOK, "home", "首页", nil)
	return nil
}

// handleHealth answers the liveness probe.
func (s *server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version, "go": runtime.Version()})
	return nil
}
