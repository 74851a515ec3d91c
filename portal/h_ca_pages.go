package portal

import (
	"context"
	"net/http"
	"slices"

	"sihub/model"
)

// The CA administrator's read-only pages: overview, seals, one seal,
// certificates, messages.

type caCount struct {
	Key   string
	State caStatus
	N     int
}

type caOverviewPage struct {
	Nav           []caNavItem
	Counts        []caCount
	Total         int
	Pending       []caSealRow // requests waiting for a second administrator
	ExpiringSeals []caSealRow
	ExpiringCerts []caCertRow
	Unread        []messageRow
	UnreadCount   int
}

type caSealsPage struct {
	Nav    []caNavItem
	Seals  []caSealRow
	Status string // filter, "" for all
	Filter []caCount
}

type caCertsPage struct {
	Nav   []caNavItem
	Certs []caCertRow
}

// localLink keeps a message's link only when it is a path on this site.
func localLink(l string) string {
	if safeNext(l) != l || l == "" {
		return ""
	}
	return l
}

type caMessagesPage struct {
	Nav      []caNavItem
	Messages []messageRow
}

// caMessages lists the administrator's messages and counts the unread.
func (s *server) caMessages(ctx context.Context, se *session) ([]model.Message, int, error) {
	ms, err := s.deps.CAAdmin.Messages(ctx, se.Login, se.Role)
	if err != nil {
		return nil, 0, err
	}
	return ms, countUnread(ms), nil
}

// caNavFor builds the navigation with the unread count; a failing
// message store only loses the count.
func (s *server) caNavFor(r *http.Request, se *session, current string) []caNavItem {
	_, n, err := s.caMessages(r.Context(), se)
	if err != nil {
		s.log.WarnContext(r.Context(), "ca messages unavailable", "request_id", requestID(r.Context()), "err", err)
	}
	return caNav(current, n)
}

func (s *server) handleCAOverview(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireCAAdmin(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	seals, err := s.deps.CAAdmin.Seals(ctx)
	if err != nil {
		return caError(caRead, err)
	}
	certs, err := s.deps.CAAdmin.Certificates(ctx)
	if err != nil {
		return caError(caRead, err)
	}
	msgs, unread, err := s.caMessages(ctx, se)
	if err != nil {
		return caError(caRead, err)
	}
	now := s.cfg.Now()
	page := caOverviewPage{Nav: caNav("/ca", unread), UnreadCount: unread, Total: len(seals)}
	page.Counts = countSeals(seals)
	for _, sl := range seals {
		row := sealRow(sl, now)
		if sl.Status == model.SealRequested {
			page.Pending = append(page.Pending, row)
		}
		if sl.Status == model.SealActive && row.Validity.Has && !row.Validity.Over && row.Validity.Soon {
			page.ExpiringSeals = append(page.ExpiringSeals, row)
		}
	}
	for _, c := range certs {
		row := certRow(c, now)
		if c.Status == "good" && row.Validity.Soon {
			page.ExpiringCerts = append(page.ExpiringCerts, row)
		}
	}
	slices.SortFunc(page.ExpiringCerts, func(a, b caCertRow) int { return a.NotAfter.Compare(b.NotAfter) })
	for _, m := range msgs {
		if m.ReadAt == nil && len(page.Unread) < 5 {
			page.Unread = append(page.Unread, newMessageRow(m))
		}
	}
	s.render(w, r, http.StatusOK, "ca_overview", "印章管理", page)
	return nil
}

// countSeals counts seals by status in lifecycle order, with the zero
// counts.
func countSeals(seals []model.Seal) []caCount {
	n := map[string]int{}
	for _, sl := range seals {
		n[sl.Status]++
	}
	out := make([]caCount, 0, len(sealStatusOrder))
	for _, st := range sealStatusOrder {
		out = append(out, caCount{Key: st, State: sealStatus(st), N: n[st]})
		delete(n, st)
	}
	for st, k := range n { // statuses this portal does not know yet
		out = append(out, caCount{Key: st, State: sealStatus(st), N: k})
	}
	return out
}

func (s *server) handleCASeals(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireCAAdmin(r)
	if err != nil {
		return err
	}
	seals, err := s.deps.CAAdmin.Seals(r.Context())
	if err != nil {
		return caError(caRead, err)
	}
	filter := r.URL.Query().Get("status")
	if _, ok := sealStatuses[filter]; !ok {
		filter = ""
	}
	now := s.cfg.Now()
	page := caSealsPage{Nav: s.caNavFor(r, se, "/ca/seals"), Status: filter, Filter: countSeals(seals)}
	for _, sl := range seals {
		if filter == "" || sl.Status == filter {
			page.Seals = append(page.Seals, sealRow(sl, now))
		}
	}
	s.render(w, r, http.StatusOK, "ca_seals", "印章", page)
	return nil
}

func (s *server) handleCACertificates(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireCAAdmin(r)
	if err != nil {
		return err
	}
	certs, err := s.deps.CAAdmin.Certificates(r.Context())
	if err != nil {
		return caError(caRead, err)
	}
	now := s.cfg.Now()
	page := caCertsPage{Nav: s.caNavFor(r, se, "/ca/certificates")}
	for _, c := range certs {
		page.Certs = append(page.Certs, certRow(c, now))
	}
	s.render(w, r, http.StatusOK, "ca_certificates", "证书", page)
	return nil
}

func (s *server) handleCAMessages(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireCAAdmin(r)
	if err != nil {
		return err
	}
	msgs, unread, err := s.caMessages(r.Context(), se)
	if err != nil {
		return caError(caRead, err)
	}
	page := caMessagesPage{Nav: caNav("/ca/messages", unread)}
	for _, m := range msgs {
		page.Messages = append(page.Messages, newMessageRow(m))
	}
	s.render(w, r, http.StatusOK, "ca_messages", "消息", page)
	return nil
}
