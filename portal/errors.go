package portal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"sihub/model"
)

// Error kinds a handler returns; respondError maps them to a status.
var (
	ErrBadRequest   = errors.New("portal: bad request")
	ErrUnauthorized = errors.New("portal: login required")
	ErrForbidden    = errors.New("portal: forbidden")
	ErrCSRF         = errors.New("portal: missing or invalid CSRF token")
	ErrThrottled    = errors.New("portal: too many attempts")
	ErrTooLarge     = errors.New("portal: request body too large")
	ErrUnavailable  = errors.New("portal: service not available")
	ErrMethod       = errors.New("portal: method not allowed")
	// ErrAPIKey: the API key is missing (where one is required), malformed,
	// unknown or its secret is wrong (401).
	ErrAPIKey = errors.New("portal: invalid or missing API key")
	// ErrScope: the API key lacks the scope the endpoint needs (403).
	ErrScope = errors.New("portal: API key lacks the scope")
	// ErrBatchTooLarge: a batch has more items than allowed (413).
	ErrBatchTooLarge = errors.New("portal: batch too large")
	errPanic         = errors.New("portal: handler panicked")
)

// userError carries the Chinese message shown to the user beside the kind
// that decides the status, and the cause that is logged.
type userError struct {
	kind  error
	msg   string
	cause error
}

func (e *userError) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%v: %v", e.kind, e.cause)
	}
	return e.kind.Error()
}

func (e *userError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.kind, e.cause}
	}
	return []error{e.kind}
}

// userErr wraps a kind with a message for the user and an optional cause.
func userErr(kind error, msg string, cause error) error {
	return &userError{kind: kind, msg: msg, cause: cause}
}

// problem is what the user is told.
type problem struct {
	Status  int
	Code    string // stable, for API clients
	Title   string // page heading
	Message string // Chinese sentence
}

// classify is the one place that decides status, code and message for an
// error.
func (s *server) classify(err error) problem {
	var p problem
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig), errors.Is(err, ErrTooLarge):
		p = problem{http.StatusRequestEntityTooLarge, "too_large", "文件过大",
			fmt.Sprintf("上传的内容超过了 %s 的上限，请确认选择的是正确的 PDF 文件。", humanBytes(s.cfg.MaxUploadBytes))}
	case errors.Is(err, ErrBatchTooLarge):
		p = problem{http.StatusRequestEntityTooLarge, "batch_too_large", "批量过大",
			fmt.Sprintf("一次最多提交 %d 个防伪码或 %d 个 PDF 文件。", maxBatchCodes, maxBatchFiles)}
	case errors.Is(err, ErrRateLimited):
		p = problem{http.StatusTooManyRequests, "rate_limited", "请求过于频繁", "请求过于频繁，请稍后再试。"}
	case errors.Is(err, ErrQuota):
		p = problem{http.StatusTooManyRequests, "quota_exceeded", "额度已用完", "该 API 密钥的查询额度已用完，请稍后再试。"}
	case errors.Is(err, ErrAPIKey):
		p = problem{http.StatusUnauthorized, "invalid_api_key", "API 密钥无效", "请在 Authorization: Bearer 头中提供有效的 API 密钥（密钥编号.密钥）。"}
	case errors.Is(err, ErrScope):
		p = problem{http.StatusForbidden, "insufficient_scope", "权限不足", "该 API 密钥无权使用此接口。"}
	case errors.Is(err, model.ErrNotFound):
		p = problem{http.StatusNotFound, "not_found", "未找到", "您访问的内容不存在，或者您无权查看。"}
	case errors.Is(err, ErrBadRequest):
		p = problem{http.StatusBadRequest, "bad_request", "请求有误", "请求的内容不完整或格式不正确，请检查后重试。"}
	case errors.Is(err, ErrUnauthorized):
		p = problem{http.StatusUnauthorized, "unauthorized", "请先登录", "此功能需要登录后使用。"}
	case errors.Is(err, ErrCSRF):
		p = problem{http.StatusForbidden, "csrf", "页面已过期", "为保护您的安全，表单已失效。请返回上一页，刷新后重新提交。"}
	case errors.Is(err, ErrForbidden):
		p = problem{http.StatusForbidden, "forbidden", "无权访问", "您的账号无权使用此功能。"}
	case errors.Is(err, ErrThrottled):
		p = problem{http.StatusTooManyRequests, "throttled", "尝试次数过多", "登录失败次数过多，请 15 分钟后再试。"}
	case errors.Is(err, model.ErrConflict):
		p = problem{http.StatusConflict, "conflict", "请求冲突", "该请求与已有记录冲突，请刷新页面后查看结果。"}
	case errors.Is(err, ErrMethod):
		p = problem{http.StatusMethodNotAllowed, "method_not_allowed", "不支持的操作", "该地址不支持此操作。"}
	case errors.Is(err, ErrUnavailable):
		p = problem{http.StatusServiceUnavailable, "unavailable", "服务暂不可用", "该服务暂时不可用，请稍后再试。"}
	case errors.Is(err, context.DeadlineExceeded):
		p = problem{http.StatusServiceUnavailable, "timeout", "处理超时", "系统处理超时，请稍后再试。"}
	default:
		p = problem{http.StatusInternalServerError, "internal", "系统繁忙", "系统暂时无法完成您的请求，请稍后再试。如问题持续，请联系我们并提供下方的请求编号。"}
	}
	var ue *userError
	if errors.As(err, &ue) && ue.msg != "" {
		p.Message = ue.msg
	}
	return p
}

// respondError is the single function that turns a handler's error into a
// response: a JSON body {error:{code,message,request_id}} for the API, a
// page otherwise (a redirect to the login page when a login is required).
// Server errors are logged with the request id; the response never
// contains the error text or a stack trace.
func (s *server) respondError(w http.ResponseWriter, r *http.Request, err error, asJSON bool) {
	p := s.classify(err)
	rid := requestID(r.Context())
	if p.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "request_id", rid, "status", p.Status, "err", err)
	} else {
		s.log.DebugContext(r.Context(), "request refused", "request_id", rid, "status", p.Status, "err", err)
	}
	setRetryAfter(w, err)
	if errors.Is(err, ErrAPIKey) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sihub"`)
	}
	if asJSON {
		writeJSON(w, p.Status, map[string]any{"error": map[string]string{
			"code": p.Code, "message": p.Message, "request_id": rid}})
		return
	}
	if p.Status == http.StatusUnauthorized && r.Method == http.MethodGet && !errors.Is(err, ErrAPIKey) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.render(w, r, p.Status, "error", p.Title, errorPage{Problem: p})
}

type errorPage struct {
	Problem problem
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	default:
		return fmt.Sprintf("%d 字节", n)
	}
}
