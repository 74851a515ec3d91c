package portal

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the portal's Prometheus collectors, in a registry of its own
// so several portals (tests) never collide.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	verified *prometheus.CounterVec
	limited  *prometheus.CounterVec
	issued   *prometheus.CounterVec
	logins   *prometheus.CounterVec
}

func newMetrics(version string, extra []prometheus.Collector) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sihub_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sihub_http_request_duration_seconds", Help: "HTTP request duration by route and method.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		verified: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sihub_documents_verified_total", Help: "Verifications by method (code, upload, api_code, api_upload) and result.",
		}, []string{"method", "result"}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sihub_portal_rate_limited_total", Help: "Requests refused by a rate limit or quota (client, prefix, upload, quota_minute, quota_day).",
		}, []string{"limit"}),
		issued: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sihub_documents_issued_total", Help: "Issuance requests through the portal by kind and outcome.",
		}, []string{"kind", "outcome"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sihub_logins_total", Help: "Login attempts by outcome (ok, denied, throttled).",
		}, []string{"outcome"}),
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "sihub_build_info", Help: "Build version of the portal.",
	}, []string{"version"})
	build.WithLabelValues(version).Set(1)
	m.reg.MustRegister(m.requests, m.duration, m.verified, m.limited, m.issued, m.logins, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.reg.MustRegister(extra...)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// instrument names the route for logs and counts and times its requests.
func (s *server) instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ri := info(r.Context()); ri != nil {
			ri.Route = route
		}
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		defer func() {
			status := rec.code()
			v := recover()
			if v != nil {
				status = http.StatusInternalServerError // withRecover answers
			}
			s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
			s.metrics.duration.WithLabelValues(route, r.Method).Observe(time.Since(start).Seconds())
			if v != nil {
				panic(v)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}
