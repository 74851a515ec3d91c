package app

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// deviceStatus is what a hardware backend (pkcs11, sdf, remote) reports
// about its session pool.
type deviceStatus interface {
	Breaker() string                   // "closed", "open" or "half-open"
	CallPath() (string, time.Duration) // "inline" or "hand-off", and the average call
}

// hsmCollector exports the key backend's pool state at every scrape: the
// circuit breaker (an open one means sealing stops), how calls reach the
// device (hsm.CallMode) and how long they take. Nothing for the software
// keystore.
type hsmCollector struct {
	dev                 deviceStatus
	breaker, path, took *prometheus.Desc
}

func newHSMCollector(dev deviceStatus) *hsmCollector {
	return &hsmCollector{dev: dev,
		breaker: prometheus.NewDesc("sihub_hsm_breaker", "The key backend's circuit breaker: 1 for the state it is in.", []string{"state"}, nil),
		path:    prometheus.NewDesc("sihub_hsm_call_inline", "1 when calls to the key backend run on the caller's goroutine, 0 when they are handed to the session's.", nil, nil),
		took:    prometheus.NewDesc("sihub_hsm_call_seconds_average", "Moving average of the key backend's answered calls (0 until one is measured).", nil, nil),
	}
}

func (c *hsmCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.breaker
	ch <- c.path
	ch <- c.took
}

func (c *hsmCollector) Collect(ch chan<- prometheus.Metric) {
	state := c.dev.Breaker()
	for _, s := range []string{"closed", "open", "half-open"} {
		v := 0.0
		if s == state {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(c.breaker, prometheus.GaugeValue, v, s)
	}
	path, avg := c.dev.CallPath()
	inline := 0.0
	if path == "inline" {
		inline = 1
	}
	ch <- prometheus.MustNewConstMetric(c.path, prometheus.GaugeValue, inline)
	ch <- prometheus.MustNewConstMetric(c.took, prometheus.GaugeValue, avg.Seconds())
}

// collectors are the app's Prometheus collectors for /metrics.
func (a *App) collectors() []prometheus.Collector {
	cs := []prometheus.Collector{newExpiryCollector(a.Store, a.Config.Now), a.Fetch.Collector()}
	if d, ok := a.device.(deviceStatus); ok {
		cs = append(cs, newHSMCollector(d))
	}
	return cs
}
