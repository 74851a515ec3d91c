package portal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"

	"sihub/model"
)

// Audit actions written by the portal.
const (
	actionLogin        = "auth.login"
	actionLogout       = "auth.logout"
	actionIssueRequest = "document.issue.request"
	actionDownload     = "document.download"
	actionDocumentView = "document.view"
	actionVerify       = "document.verify"
)

// audit appends one entry. A failing audit trail is logged as an error;
// the user's request has already been decided.
func (s *server) audit(r *http.Request, actor, action, object, outcome, detail string) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	if actor == "" {
		actor = "anonymous"
	}
	e := model.AuditEntry{
		ID:      hex.EncodeToString(b),
		Time:    s.cfg.Now().UTC(),
		Actor:   actor,
		Action:  action,
		Object:  object,
		Outcome: outcome,
		Remote:  remoteAddr(r),
		Detail:  detail,
	}
	// The entry is written even when the client has gone away.
	if err := s.deps.Audit.AppendAudit(context.WithoutCancel(r.Context()), e); err != nil {
		s.log.ErrorContext(r.Context(), "audit append failed", "request_id", requestID(r.Context()),
			"action", action, "err", err)
	}
}

// remoteAddr is the client's address as the server sees it (without port).
// Forwarding headers are not trusted.
func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
