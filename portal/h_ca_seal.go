package portal

import (
	"errors"
	"net/http"
	"net/url"

	"sihub/model"
)

// One seal: its page with the lifecycle and the actions its state allows,
// the request form, and the POSTs that change it (CSRF-protected, then
// redirected back to the seal with a notice).

type caSealPage struct {
	Nav      []caNavItem
	Seal     caSealRow
	History  []caEvent
	SESeal   *caSESeal
	Reasons  []caReasonOption
	Done     string // notice after a change
	Error    string // why a change was refused
	Reason   string // the reason typed before a refusal
	Approve  bool   // the viewer may approve (another administrator's request)
	Own      bool   // the viewer filed this request
	Reject   bool
	Suspend  bool
	Resume   bool
	Revoke   bool
	Replace  bool // a successor may be requested
	Actions  bool // any of the above
	Replaces string
}

// caDoneNotices are the notices after a change, by the ?done= value.
var caDoneNotices = map[string]string{
	caRequest: "印章申请已提交，等待另一位制章管理员审批。",
	caApprove: "已审批通过，印章已启用。",
	caReject:  "已驳回该申请。",
	caSuspend: "印章已暂停使用，暂停期间不能用它盖章。",
	caResume:  "印章已恢复使用。",
	caRevoke:  "印章已撤销，其证书已吊销。",
}

// sealPage builds the page of sl as se sees it.
func (s *server) sealPage(r *http.Request, se *session, sl model.Seal) caSealPage {
	p := caSealPage{Nav: s.caNavFor(r, se, ""), Seal: sealRow(sl, s.cfg.Now()), History: sealHistory(sl),
		SESeal: sesealInfo(sl.SESeal), Reasons: revocationOptions()}
	switch sl.Status {
	case model.SealRequested:
		p.Own = sl.RequestedBy == se.Login
		p.Approve = !p.Own
		p.Reject = true
	case model.SealActive:
		p.Suspend, p.Revoke, p.Replace = true, true, true
	case model.SealSuspended:
		p.Resume, p.Revoke, p.Replace = true, true, true
	}
	p.Actions = p.Approve || p.Reject || p.Suspend || p.Resume || p.Revoke
	return p
}

func (s *server) handleCASeal(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireCAAdmin(r)
	if err != nil {
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
	page := s.sealPage(r, se, sl)
	page.Done = caDoneNotices[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "ca_seal", "印章 "+sl.Name, page)
	return nil
}

// handleCASealAction applies approve, reject, suspend, resume or revoke.
// A refusal the administrator can act on (403, 409, 400) shows the seal's
// page again with the message and the refusal's status.
func (s *server) handleCASealAction(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireCAAdmin(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return userErr(ErrBadRequest, "", err)
	}
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	id, action := pathParam(r, "id"), pathParam(r, "action")
	reason := r.PostFormValue("reason")
	sl, err := s.caAct(r.Context(), se.Login, id, action, reason)
	if err == nil {
		http.Redirect(w, r, "/ca/seals/"+url.PathEscape(sl.ID)+"?done="+action, http.StatusSeeOther)
		return nil
	}
	p := s.classify(err)
	if p.Status >= 500 || errors.Is(err, model.ErrNotFound) {
		return err
	}
	cur, gerr := s.deps.CAAdmin.Seal(r.Context(), id)
	if gerr != nil {
		return err
	}
	s.log.DebugContext(r.Context(), "ca change refused", "request_id", requestID(r.Context()), "action", action, "err", err)
	page := s.sealPage(r, se, cur)
	page.Error, page.Reason = p.Message, reason
	s.render(w, r, p.Status, "ca_seal", "印章 "+cur.Name, page)
	return nil
}

type caSealFormPage struct {
	Nav         []caNavItem
	Form        SealRequest
	Error       string
	Replaceable []caSealRow // seals a new one may take over from
}

// replaceable lists the seals a new request may name in Replaces: the
// active and the suspended ones.
func (s *server) replaceable(r *http.Request) []caSealRow {
	seals, err := s.deps.CAAdmin.Seals(r.Context())
	if err != nil {
		return nil
	}
	var out []caSealRow
	now := s.cfg.Now()
	for _, sl := range seals {
		switch sl.Status {
		case model.SealActive, model.SealSuspended:
			out = append(out, sealRow(sl, now))
		}
	}
	return out
}

func (s *server) handleCASealForm(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireCAAdmin(r)
	if err != nil {
		return err
	}
	form := SealRequest{Alg: "sm2", Name: "业务专用章"}
	if rep := r.URL.Query().Get("replaces"); rep != "" && validSealID(rep) == nil {
		form.Replaces = rep
		if old, err := s.deps.CAAdmin.Seal(r.Context(), rep); err == nil {
			form.Name, form.Alg = old.Name, old.Alg
		}
	}
	page := caSealFormPage{Nav: s.caNavFor(r, se, "/ca/seals/new"), Form: form, Replaceable: s.replaceable(r)}
	s.render(w, r, http.StatusOK, "ca_seal_new", "申请新印章", page)
	return nil
}

// handleCARequestSeal files a request; a refused one shows the form again
// with what was typed.
func (s *server) handleCARequestSeal(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireCAAdmin(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return userErr(ErrBadRequest, "", err)
	}
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	req := SealRequest{Name: r.PostFormValue("name"), Alg: r.PostFormValue("alg"),
		Replaces: r.PostFormValue("replaces"), Note: r.PostFormValue("note")}
	req, err = cleanSealRequest(req)
	var sl model.Seal
	if err == nil {
		sl, err = s.deps.CAAdmin.RequestSeal(r.Context(), se.Login, req)
		err = caError(caRequest, err)
	}
	if err == nil {
		http.Redirect(w, r, "/ca/seals/"+url.PathEscape(sl.ID)+"?done="+caRequest, http.StatusSeeOther)
		return nil
	}
	p := s.classify(err)
	if p.Status >= 500 {
		return err
	}
	page := caSealFormPage{Nav: s.caNavFor(r, se, "/ca/seals/new"), Form: req, Error: p.Message, Replaceable: s.replaceable(r)}
	s.render(w, r, p.Status, "ca_seal_new", "申请新印章", page)
	return nil
}
