package portal

// The seal authority's administrator pages (/ca/…) and JSON API
// (/api/v1/ca/…). Only a session of the ca-admin role reaches them; the
// work is done by Deps.CAAdmin, which also audits every change. This file
// holds what pages and API share: the role check, the mapping of the
// service's errors to the portal's kinds with a Chinese message, and the
// dispatch of a lifecycle action.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"sihub/model"
)

// Audit action of a refused attempt to reach the CA administrator pages
// (the changes themselves are audited by CAAdmin).
const actionCAAccess = "ca.access"

// caExpiryWarning is how far ahead a certificate or seal counts as
// expiring (issue: 30 days, as the expiry metric).
const caExpiryWarning = 30 * 24 * time.Hour

// Caps on what the CA forms and API accept before the service sees it.
const (
	maxSealIDLen    = 128
	maxCAReasonLen  = 200 // runes
	maxSealNoteLen  = 200 // runes
	maxSealNameLen  = 64  // runes; the service enforces its own 1–20
	maxSealFieldLen = 128 // runes, alg and replaces
)

// Lifecycle actions on one seal, as named in the paths
// /ca/seals/{id}/{action} and /api/v1/ca/seals/{id}/{action}.
const (
	caApprove = "approve"
	caReject  = "reject"
	caSuspend = "suspend"
	caResume  = "resume"
	caRevoke  = "revoke"
	caRequest = "request" // not a path action: POST /ca/seals
	caRead    = "read"    // not a change: reading a seal
)

// requireCAAdmin returns the administrator's session: not logged in is
// ErrUnauthorized, another role ErrForbidden (audited as denied), and
// without the CAAdmin service ErrUnavailable.
func (s *server) requireCAAdmin(r *http.Request) (*session, error) {
	se, err := s.requireSession(r)
	if err != nil {
		return nil, err
	}
	if se.Role != model.AccountCAAdmin {
		s.audit(r, se.Login, actionCAAccess, r.URL.Path, "denied", "role "+se.Role)
		return nil, userErr(ErrForbidden, "此功能仅限制章管理员使用。", nil)
	}
	if s.deps.CAAdmin == nil {
		return nil, userErr(ErrUnavailable, "印章管理服务暂不可用，请稍后再试。", nil)
	}
	return se, nil
}

// caActionNames are the Chinese names of the actions, for messages.
var caActionNames = map[string]string{
	caApprove: "审批", caReject: "驳回", caSuspend: "暂停", caResume: "恢复",
	caRevoke: "撤销", caRequest: "申请", caRead: "查看",
}

// caError maps an error of the CAAdmin service to the portal's kinds
// (model.ErrForbidden → ErrForbidden 403, model.ErrConflict 409,
// model.ErrInvalid → ErrBadRequest 400, model.ErrNotFound 404) with a
// Chinese message for the action; other errors pass unchanged (500, or
// 503 for a device that is down).
func caError(action string, err error) error {
	var ue *userError
	if err == nil || errors.As(err, &ue) {
		return err
	}
	name := caActionNames[action]
	switch {
	case errors.Is(err, model.ErrNotFound):
		if action == caRequest {
			return userErr(model.ErrNotFound, "要替换的印章不存在，请检查印章编号。", err)
		}
		return userErr(model.ErrNotFound, "没有找到该印章。", err)
	case errors.Is(err, model.ErrForbidden):
		if action == caApprove {
			return userErr(ErrForbidden, "不能审批自己提交的申请：印章申请须由另一位制章管理员审批。", err)
		}
		return userErr(ErrForbidden, "您无权"+name+"该印章。", err)
	case errors.Is(err, model.ErrConflict):
		if action == caRequest {
			return userErr(model.ErrConflict, "要替换的印章已不在使用中：只能替换启用或已暂停的印章。", err)
		}
		return userErr(model.ErrConflict, "该印章当前的状态不允许"+name+"，请刷新页面查看最新状态。", err)
	case errors.Is(err, model.ErrInvalid):
		switch action {
		case caRequest:
			return userErr(ErrBadRequest, "申请内容不符合要求：印章名称为 1–20 个字、不含换行等控制字符，算法为 SM2 或 P-256；替换印章时算法须与原印章相同。", err)
		case caRevoke:
			return userErr(ErrBadRequest, "请从列表中选择撤销原因。", err)
		}
		return userErr(ErrBadRequest, name+"的请求不符合要求，请检查填写的内容。", err)
	}
	return err
}

// validSealID rejects IDs no seal can have before the service is asked.
func validSealID(id string) error {
	if id == "" || len(id) > maxSealIDLen || strings.ContainsAny(id, "/\x00") {
		return userErr(model.ErrNotFound, "没有找到该印章。", nil)
	}
	return nil
}

// checkReason validates the free-text reason of a rejection or suspension.
func checkReason(action, reason string) error {
	if reason == "" {
		return userErr(ErrBadRequest, "请填写"+caActionNames[action]+"原因。", nil)
	}
	if utf8.RuneCountInString(reason) > maxCAReasonLen || !utf8.ValidString(reason) {
		return userErr(ErrBadRequest, "原因不能超过 200 个字。", nil)
	}
	return nil
}

// revocationReason reports whether name is one of RevocationReasons.
func revocationReason(name string) bool {
	for _, rr := range RevocationReasons {
		if rr.Name == name {
			return true
		}
	}
	return false
}

// caAct applies a lifecycle action to a seal for actor, checking the
// reason the action needs first.
func (s *server) caAct(ctx context.Context, actor, id, action, reason string) (model.Seal, error) {
	if err := validSealID(id); err != nil {
		return model.Seal{}, err
	}
	reason = strings.TrimSpace(reason)
	ca := s.deps.CAAdmin
	var sl model.Seal
	var err error
	switch action {
	case caApprove:
		sl, err = ca.ApproveSeal(ctx, actor, id)
	case caReject, caSuspend:
		if err := checkReason(action, reason); err != nil {
			return model.Seal{}, err
		}
		if action == caReject {
			sl, err = ca.RejectSeal(ctx, actor, id, reason)
		} else {
			sl, err = ca.SuspendSeal(ctx, actor, id, reason)
		}
	case caResume:
		sl, err = ca.ResumeSeal(ctx, actor, id)
	case caRevoke:
		if !revocationReason(reason) {
			return model.Seal{}, userErr(ErrBadRequest, "请从列表中选择撤销原因。", nil)
		}
		sl, err = ca.RevokeSeal(ctx, actor, id, reason)
	default:
		return model.Seal{}, errNoRoute
	}
	return sl, caError(action, err)
}

// cleanSealRequest trims the fields of a request and caps their length;
// the service checks the rest (model.ErrInvalid).
func cleanSealRequest(req SealRequest) (SealRequest, error) {
	req.Name = strings.TrimSpace(req.Name)
	req.Alg = strings.ToLower(strings.TrimSpace(req.Alg))
	req.Replaces = strings.TrimSpace(req.Replaces)
	req.Note = strings.TrimSpace(req.Note)
	if req.Name == "" {
		return req, userErr(ErrBadRequest, "请填写印章名称。", nil)
	}
	for _, f := range []struct {
		v   string
		max int
	}{{req.Name, maxSealNameLen}, {req.Alg, maxSealFieldLen}, {req.Replaces, maxSealFieldLen}, {req.Note, maxSealNoteLen}} {
		if !utf8.ValidString(f.v) || utf8.RuneCountInString(f.v) > f.max {
			return req, userErr(ErrBadRequest, "申请内容过长：印章名称不超过 20 个字，申请说明不超过 200 个字。", nil)
		}
	}
	return req, nil
}
