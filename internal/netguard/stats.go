package netguard

import (
	"errors"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes a fetch is counted and logged under.
const (
	OutcomeOK       = "ok"
	OutcomeRefused  = "refused"
	OutcomeTooLarge = "too_large"
	OutcomeTimeout  = "timeout"
	OutcomeStatus   = "status"
	OutcomeError    = "error"
)

var outcomes = []string{OutcomeOK, OutcomeRefused, OutcomeTooLarge, OutcomeTimeout, OutcomeStatus, OutcomeError}

func outcomeOf(err error) string {
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, ErrNotAllowed), errors.Is(err, ErrInvalid):
		return OutcomeRefused
	case errors.Is(err, ErrTooLarge):
		return OutcomeTooLarge
	case errors.Is(err, ErrTimeout):
		return OutcomeTimeout
	case errors.Is(err, ErrStatus):
		return OutcomeStatus
	}
	return OutcomeError
}

type counters struct {
	byOutcome [6]atomic.Uint64
	bytes     atomic.Uint64
}

func (c *Client) record(outcome string, n int) {
	for i, o := range outcomes {
		if o == outcome {
			c.stats.byOutcome[i].Add(1)
		}
	}
	c.stats.bytes.Add(uint64(n))
}

// Stats is a snapshot of a Client's counters.
type Stats struct {
	// Fetches counts fetches by outcome (the Outcome* constants).
	Fetches map[string]uint64
	// Bytes is the response body bytes read.
	Bytes uint64
}

// Stats returns the counters so far.
func (c *Client) Stats() Stats {
	s := Stats{Fetches: map[string]uint64{}, Bytes: c.stats.bytes.Load()}
	for i, o := range outcomes {
		s.Fetches[o] = c.stats.byOutcome[i].Load()
	}
	return s
}

var (
	descFetches = prometheus.NewDesc("sihub_outbound_fetches_total", "Outbound fetches (OCSP, CRL, time-stamp) by outcome.", []string{"outcome"}, nil)
	descBytes   = prometheus.NewDesc("sihub_outbound_fetch_bytes_total", "Response body bytes read by outbound fetches.", nil, nil)
)

// Collector exports the counters to Prometheus.
func (c *Client) Collector() prometheus.Collector { return collector{c} }

type collector struct{ c *Client }

func (k collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descFetches
	ch <- descBytes
}

func (k collector) Collect(ch chan<- prometheus.Metric) {
	s := k.c.Stats()
	for _, o := range outcomes {
		ch <- prometheus.MustNewConstMetric(descFetches, prometheus.CounterValue, float64(s.Fetches[o]), o)
	}
	ch <- prometheus.MustNewConstMetric(descBytes, prometheus.CounterValue, float64(s.Bytes))
}
