package portal

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"sihub/model"
	"sihub/portal/auth"
)

type loginPage struct {
	Login string
	Next  string
	Error string
}

// maxLoginLen bounds the login name read from the form.
const maxLoginLen = 64

var upperLoginRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Za-z]{18}$`) })

// normalizeLogin trims the login and upper-cases 18-character IDs and
// credit codes, so "11010519491231002x" finds the account.
func normalizeLogin(s string) string {
	s = strings.TrimSpace(s)
	if upperLoginRE().MatchString(s) {
		return strings.ToUpper(s)
	}
	return s
}

// safeNext keeps a post-login redirect on this site: a local absolute path,
// not "//host" or "/\host".
func safeNext(next string) string {
	if len(next) > 512 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/me/documents"
	}
	return next
}

func (s *server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if _, ok := s.currentSession(r); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "login", "登录", loginPage{Next: next})
	return nil
}

// dummyHash is checked when the login does not exist, so a miss costs the
// same time as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, err := auth.HashPassword("sihub: no such account")
	if err != nil {
		panic(err)
	}
	return h
})

var errBadCredentials = errors.New("portal: wrong login or password")

func (s *server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return userErr(ErrBadRequest, "", err)
	}
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	login := normalizeLogin(r.PostFormValue("login"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	page := loginPage{Login: login, Next: next}
	if login == "" || password == "" || len(login) > maxLoginLen {
		page.Error = "请输入证件号码和密码。"
		page.Login = ""
		s.render(w, r, http.StatusBadRequest, "login", "登录", page)
		return nil
	}
	now := s.cfg.Now()
	ip := remoteAddr(r)
	if s.loginByID.blocked(login, now) || s.loginByIP.blocked(ip, now) {
		s.metrics.logins.WithLabelValues("throttled").Inc()
		s.audit(r, login, actionLogin, login, "denied", "throttled")
		page.Error = "登录失败次数过多，请 15 分钟后再试。"
		s.render(w, r, http.StatusTooManyRequests, "login", "登录", page)
		return nil
	}
	acct, err := s.authenticate(r, login, password)
	if errors.Is(err, errBadCredentials) {
		s.loginByID.fail(login, now)
		s.loginByIP.fail(ip, now)
		s.metrics.logins.WithLabelValues("denied").Inc()
		s.audit(r, login, actionLogin, login, "denied", "wrong login or password")
		page.Error = "证件号码或密码不正确。"
		s.render(w, r, http.StatusUnauthorized, "login", "登录", page)
		return nil
	}
	if err != nil {
		return err
	}
	s.loginByID.reset(login)
	s.metrics.logins.WithLabelValues("ok").Inc()
	s.audit(r, login, actionLogin, login, "ok", "")
	name := acct.DisplayName
	if name == "" && acct.PersonID != "" && s.deps.Persons != nil {
		if p, err := s.deps.Persons.Person(r.Context(), acct.PersonID); err == nil {
			name = p.Name
		}
	}
	if name == "" {
		name = acct.Login
	}
	s.setSession(w, session{
		Login: acct.Login, Role: acct.Role, Name: name,
		PersonID: acct.PersonID, UnitCode: acct.UnitCode,
		Issued: now.Unix(), Expires: now.Add(s.cfg.SessionTTL).Unix(),
	})
	s.setCSRFCookie(w) // a new browser identity after login
	if acct.Role == model.AccountCAAdmin && next == "/me/documents" {
		next = "/ca" // an administrator has no documents of their own
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// authenticate checks the password; an unknown, disabled or
// password-less account is errBadCredentials, like a wrong password.
func (s *server) authenticate(r *http.Request, login, password string) (model.Account, error) {
	acct, err := s.deps.Accounts.Account(r.Context(), login)
	if errors.Is(err, model.ErrNotFound) {
		_, _ = auth.CheckPassword(dummyHash(), password)
		return model.Account{}, errBadCredentials
	}
	if err != nil {
		return model.Account{}, err
	}
	ok, err := auth.CheckPassword(acct.PasswordHash, password)
	if err != nil {
		s.log.ErrorContext(r.Context(), "stored password hash unusable", "request_id", requestID(r.Context()), "err", err)
		return model.Account{}, errBadCredentials
	}
	if !ok || acct.Disabled {
		return model.Account{}, errBadCredentials
	}
	return acct, nil
}

func (s *server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return userErr(ErrBadRequest, "", err)
	}
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	if se, ok := s.currentSession(r); ok {
		s.audit(r, se.Login, actionLogout, se.Login, "ok", "")
	}
	s.clearSession(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
