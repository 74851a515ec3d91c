package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sihub/model"
)

// ExpiryWarning is how far ahead certificates and seals are reported as
// expiring (issue: 30 days).
const ExpiryWarning = 30 * 24 * time.Hour

// trustLister lists certificates and seals (store.Certificates, store.Seals).
type trustLister interface {
	ListCertificates(ctx context.Context, role string) ([]model.Certificate, error)
	ListSeals(ctx context.Context) ([]model.Seal, error)
}

// expiryCollector exports, at every scrape, the days left of each
// certificate and seal, and how many expire within ExpiryWarning.
type expiryCollector struct {
	st   trustLister
	now  func() time.Time
	cert *prometheus.Desc
	seal *prometheus.Desc
	soon *prometheus.Desc
}

func newExpiryCollector(st trustLister, now func() time.Time) *expiryCollector {
	return &expiryCollector{st: st, now: now,
		cert: prometheus.NewDesc("sihub_certificate_expiry_days", "Days until a certificate's notAfter (negative: expired).",
			[]string{"serial", "role", "alg", "status"}, nil),
		seal: prometheus.NewDesc("sihub_seal_expiry_days", "Days until a seal's end of validity (negative: expired).",
			[]string{"id", "alg", "status"}, nil),
		soon: prometheus.NewDesc("sihub_expiring_soon", "Good certificates (but the OCSP signer's) and active seals that expire within 30 days.",
			[]string{"kind"}, nil),
	}
}

func (c *expiryCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.cert
	ch <- c.seal
	ch <- c.soon
}

func (c *expiryCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	certs, seals, err := expiring(ctx, c.st, c.now(), func(m model.Certificate, days float64) {
		ch <- prometheus.MustNewConstMetric(c.cert, prometheus.GaugeValue, days, m.Serial, m.Role, m.Alg, m.Status)
	}, func(s model.Seal, days float64) {
		ch <- prometheus.MustNewConstMetric(c.seal, prometheus.GaugeValue, days, s.ID, s.Alg, s.Status)
	})
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.soon, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.soon, prometheus.GaugeValue, float64(len(certs)), "certificate")
	ch <- prometheus.MustNewConstMetric(c.soon, prometheus.GaugeValue, float64(len(seals)), "seal")
}

// expiring walks every certificate and seal, calling the visitors with the
// days left, and returns the good certificates and active seals that expire
// within ExpiryWarning.
func expiring(ctx context.Context, st trustLister, now time.Time, cv func(model.Certificate, float64), sv func(model.Seal, float64)) ([]model.Certificate, []model.Seal, error) {
	cs, err := st.ListCertificates(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	ss, err := st.ListSeals(ctx)
	if err != nil {
		return nil, nil, err
	}
	var soonC []model.Certificate
	var soonS []model.Seal
	for _, m := range cs {
		left := m.NotAfter.Sub(now)
		if cv != nil {
			cv(m, left.Hours()/24)
		}
		// The OCSP signer lives 30 days and is renewed automatically.
		if m.Status == "good" && m.Role != "ocsp" && left < ExpiryWarning {
			soonC = append(soonC, m)
		}
	}
	for _, s := range ss {
		left := s.ValidUntil.Sub(now)
		if sv != nil {
			sv(s, left.Hours()/24)
		}
		if s.Status == "active" && left < ExpiryWarning {
			soonS = append(soonS, s)
		}
	}
	return soonC, soonS, nil
}

// WarnExpiring tells the administrators — a warning in the log, an audit
// entry "pki.expiry_warning" and an in-platform message to every CA
// administrator (model.RoleRecipient(model.AccountCAAdmin); one per
// certificate or seal and day, however often it runs) — about every good
// certificate and active seal that expires within 30 days. The OCSP
// signer's certificate, short-lived and renewed automatically, is left
// out.
func (a *App) WarnExpiring(ctx context.Context) (int, error) {
	now := a.Config.Now()
	cs, ss, err := expiring(ctx, a.Store, now, nil, nil)
	if err != nil {
		return 0, err
	}
	n := 0
	warn := func(object, what string, until time.Time, msg model.Message) error {
		n++
		days := int(until.Sub(now).Hours() / 24)
		detail := fmt.Sprintf("%s expires %s (%d days)", what, until.UTC().Format(time.RFC3339), days)
		a.Logger.Warn("expiring soon", "object", object, "detail", detail)
		if err := a.Store.AppendAudit(ctx, model.AuditEntry{Time: now.UTC(), Actor: "system", Action: "pki.expiry_warning",
			Object: object, Outcome: "warning", Detail: detail}); err != nil {
			return err
		}
		return a.expiryMessage(ctx, msg, object, until, days, now)
	}
	for _, c := range cs {
		msg := model.Message{Kind: "certificate.expiry", Link: "/ca/certificates",
			Subject: "证书 " + c.Subject + " 将于 {days} 天后到期"}
		if err := warn(c.Serial, c.Role+" certificate "+c.Subject, c.NotAfter, msg); err != nil {
			return n, err
		}
	}
	for _, s := range ss {
		msg := model.Message{Kind: "seal.expiry", Link: "/ca/seals/" + s.ID,
			Subject: "印章“" + s.Name + "”（" + s.Alg + "）将于 {days} 天后到期"}
		if err := warn(s.ID, "seal "+s.Name+" ("+s.Alg+")", s.ValidUntil, msg); err != nil {
			return n, err
		}
	}
	return n, nil
}

// RunExpiryWarnings expires the seals whose validity is over
// (CAAdmin.ExpireSeals) and calls WarnExpiring, now and then every
// interval until ctx ends.
func (a *App) RunExpiryWarnings(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := a.caAdmin.ExpireSeals(ctx); err != nil && ctx.Err() == nil {
			a.Logger.Error("seal expiry", "err", err)
		}
		if _, err := a.WarnExpiring(ctx); err != nil && ctx.Err() == nil {
			a.Logger.Error("expiry warnings", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// expiryMessage puts the expiry warning for object ("{days}" in its
// subject becomes the days left) to the CA
// administrators, once per object and (UTC) day: its DedupKey is
// "expiry:" + object + ":" + the day, and a message already put that day
// (by this or another process) is not an error.
func (a *App) expiryMessage(ctx context.Context, m model.Message, object string, until time.Time, days int, now time.Time) error {
	m.Recipient = model.RoleRecipient(model.AccountCAAdmin)
	m.Subject = strings.ReplaceAll(m.Subject, "{days}", strconv.Itoa(days))
	m.Body = fmt.Sprintf("有效期至 %s（北京时间）。请及时申请新印章或新证书替换。", until.In(beijing).Format("2006-01-02 15:04"))
	m.DedupKey = "expiry:" + object + ":" + now.UTC().Format(time.DateOnly)
	m.CreatedAt = now.UTC()
	if err := a.Store.PutMessage(ctx, m); err != nil && !errors.Is(err, model.ErrConflict) {
		return err
	}
	return nil
}

// beijing is China Standard Time, the agency's clock in messages.
var beijing = time.FixedZone("CST", 8*3600)
