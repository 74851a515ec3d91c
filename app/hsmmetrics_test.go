package app

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"sihub/hsm/pkcs11"
	"sihub/hsm/remote"
	"sihub/hsm/sdf"
)

type fakeDevice struct {
	breaker string
	path    string
	avg     time.Duration
}

func (f fakeDevice) Breaker() string                   { return f.breaker }
func (f fakeDevice) CallPath() (string, time.Duration) { return f.path, f.avg }

// TestHSMCollector: /metrics shows the backend's breaker state, its call
// path and the average call, as the device reports them.
func TestHSMCollector(t *testing.T) {
	for _, tc := range []struct {
		dev  fakeDevice
		want string
	}{
		{fakeDevice{"open", "hand-off", 4 * time.Millisecond}, `
sihub_hsm_breaker{state="closed"} 0
sihub_hsm_breaker{state="half-open"} 0
sihub_hsm_breaker{state="open"} 1
# HELP sihub_hsm_call_inline 1 when calls to the key backend run on the caller's goroutine, 0 when they are handed to the session's.
# TYPE sihub_hsm_call_inline gauge
sihub_hsm_call_inline 0
# HELP sihub_hsm_call_seconds_average Moving average of the key backend's answered calls (0 until one is measured).
# TYPE sihub_hsm_call_seconds_average gauge
sihub_hsm_call_seconds_average 0.004
`},
		{fakeDevice{"closed", "inline", 90 * time.Microsecond}, `
sihub_hsm_breaker{state="closed"} 1
sihub_hsm_breaker{state="half-open"} 0
sihub_hsm_breaker{state="open"} 0
# HELP sihub_hsm_call_inline 1 when calls to the key backend run on the caller's goroutine, 0 when they are handed to the session's.
# TYPE sihub_hsm_call_inline gauge
sihub_hsm_call_inline 1
# HELP sihub_hsm_call_seconds_average Moving average of the key backend's answered calls (0 until one is measured).
# TYPE sihub_hsm_call_seconds_average gauge
sihub_hsm_call_seconds_average 9e-05
`},
	} {
		want := "# HELP sihub_hsm_breaker The key backend's circuit breaker: 1 for the state it is in.\n# TYPE sihub_hsm_breaker gauge" + tc.want
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(newHSMCollector(tc.dev))
		rec := httptest.NewRecorder()
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		if got := rec.Body.String(); got != want {
			t.Errorf("%+v: /metrics\n%s\nwant\n%s", tc.dev, got, want)
		}
	}
	// The software keystore has no pool: no HSM metrics.
	a := testApp(t, t.TempDir(), nil)
	defer a.Close()
	for _, c := range a.collectors() {
		if _, ok := c.(*hsmCollector); ok {
			t.Fatal("HSM metrics for the software keystore")
		}
	}
}

// The device backends SIHUB_HSM_URI opens report their pool's state.
var (
	_ deviceStatus = (*pkcs11.Backend)(nil)
	_ deviceStatus = (*sdf.Backend)(nil)
	_ deviceStatus = (*remote.Backend)(nil)
)
