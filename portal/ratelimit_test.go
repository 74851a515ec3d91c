package portal

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLimiterRefillsAtItsRate(t *testing.T) {
	l := newLimiter(3, time.Minute, 10)
	now := t0
	for i := range 3 {
		if ok, _ := l.take("a", 1, now); !ok {
			t.Fatalf("take %d refused", i)
		}
	}
	ok, wait := l.take("a", 1, now)
	if ok || wait != 20*time.Second {
		t.Fatalf("fourth: %v, wait %v", ok, wait)
	}
	if ok, _ := l.take("b", 1, now); !ok {
		t.Fatal("another key is limited too")
	}
	if ok, _ := l.take("a", 1, now.Add(19*time.Second)); ok {
		t.Fatal("refilled early")
	}
	if ok, _ := l.take("a", 1, now.Add(20*time.Second)); !ok {
		t.Fatal("not refilled after 20 s")
	}
	// Never above the burst, however long the pause.
	later := now.Add(time.Hour)
	if ok, _ := l.take("a", 4, later); ok {
		t.Fatal("took more than the burst")
	}
	if ok, _ := l.take("a", 3, later); !ok {
		t.Fatal("full bucket refused the burst")
	}
	l.refund("a", 2)
	if ok, _ := l.take("a", 2, later); !ok {
		t.Fatal("refund lost")
	}
}

func TestLimiterOff(t *testing.T) {
	l := newLimiter(-1, time.Minute, 10)
	for range 100 {
		if ok, _ := l.take("a", 1000, t0); !ok {
			t.Fatal("a switched-off limiter refused")
		}
	}
	if l.size() != 0 {
		t.Fatal("a switched-off limiter remembers keys")
	}
}

func TestLimiterBounded(t *testing.T) {
	l := newLimiter(2, time.Minute, 100)
	for i := range 10000 {
		l.take(fmt.Sprint("k", i), 1, t0)
		if n := l.size(); n > 100 {
			t.Fatalf("%d keys after %d", n, i)
		}
	}
	// Refilled buckets are dropped first: an exhausted key survives a
	// flood of keys that all refill.
	l = newLimiter(2, time.Minute, 100)
	l.take("victim", 2, t0)
	for i := range 99 {
		l.take(fmt.Sprint("k", i), 1, t0.Add(-time.Hour))
	}
	l.take("new", 1, t0)
	if ok, _ := l.take("victim", 1, t0); ok {
		t.Fatal("the exhausted key was forgotten while refilled ones were kept")
	}
}

func withLimits(lim Limits) func(*Config, *Deps) {
	return func(c *Config, _ *Deps) { c.Limits = lim }
}

func TestPublicLookupLimitPerClient(t *testing.T) {
	e := newEnv(t, withLimits(Limits{LookupsPerMinute: 4, PrefixPerMinute: -1}))
	b := e.browser()
	paths := []string{"/v/" + validCode, "/api/v1/verify/" + otherCode, "/v/ZZZZZZZZZZZZZZZZZZ", "/api/v1/verify/!!"}
	for _, p := range paths {
		if r := b.get(p); r.StatusCode == http.StatusTooManyRequests {
			t.Fatalf("%s limited early", p)
		}
	}
	page := b.get("/v/" + validCode)
	if page.StatusCode != http.StatusTooManyRequests || page.Header.Get("Retry-After") != "15" ||
		!strings.Contains(page.Body, "查询过于频繁") {
		t.Fatalf("page over the limit: %d %q\n%s", page.StatusCode, page.Header.Get("Retry-After"), page.Body)
	}
	api := b.get("/api/v1/verify/" + validCode)
	if api.StatusCode != http.StatusTooManyRequests || errorCode(t, api.Body) != "rate_limited" || api.Header.Get("Retry-After") == "" {
		t.Fatalf("api over the limit: %d %s", api.StatusCode, api.Body)
	}
	// The code form only redirects; it is not a lookup.
	if r := b.get("/v?code=" + validCode); r.StatusCode != http.StatusSeeOther {
		t.Errorf("code form: %d", r.StatusCode)
	}
	e.clock.Advance(15 * time.Second)
	if r := b.get("/v/" + validCode); r.StatusCode != 200 {
		t.Fatalf("after refill: %d", r.StatusCode)
	}
}

func TestPublicLookupLimitPerPrefix(t *testing.T) {
	e := newEnv(t, withLimits(Limits{LookupsPerMinute: 1000, PrefixPerMinute: 2}))
	b := e.browser()
	for _, c := range []string{"ABCD00000000000000", "abcd-11111111111111"} {
		if r := b.get("/api/v1/verify/" + c); r.StatusCode != http.StatusNotFound {
			t.Fatalf("%s: %d", c, r.StatusCode)
		}
	}
	if r := b.get("/v/ABCD22222222222222"); r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, "该防伪码的查询过于频繁") {
		t.Fatalf("third lookup in prefix ABCD: %d", r.StatusCode)
	}
	if r := b.get("/v/ABCE22222222222222"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("another prefix: %d", r.StatusCode)
	}
}

func TestPublicUploadLimit(t *testing.T) {
	fv := &batchVerifier{}
	e := newEnv(t, withLimits(Limits{UploadsPerMinute: 2}), func(_ *Config, d *Deps) { d.Verifier = fv })
	for i := range 2 {
		body, ct := multipartBody(t, nil, []byte("%PDF-good"))
		if r := e.api("POST", "/api/v1/verify", "", ct, body); r.StatusCode != 200 {
			t.Fatalf("upload %d: %d", i, r.StatusCode)
		}
	}
	body, ct := multipartBody(t, nil, []byte("%PDF-good"))
	r := e.api("POST", "/api/v1/verify", "", ct, body)
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "30" {
		t.Fatalf("third upload: %d %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	b := e.browser()
	tok := b.csrf("/verify")
	if r := b.upload("/verify", map[string]string{"csrf": tok}, []byte("%PDF-good")); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("page upload: %d", r.StatusCode)
	}
	if n := fv.calls.Load(); n != 2 {
		t.Errorf("%d verifications, want 2", n)
	}
}

// Keys have their own quota; the anonymous per-client limit does not
// apply to them.
func TestKeyedLookupsSkipClientLimit(t *testing.T) {
	e := newEnv(t, withStore(t), withLimits(Limits{LookupsPerMinute: 1, PrefixPerMinute: 1}))
	for i := range 5 {
		if r := e.api("GET", "/api/v1/verify/"+validCode, bankKey(), "", nil); r.StatusCode != 200 {
			t.Fatalf("keyed lookup %d: %d", i, r.StatusCode)
		}
	}
}

// Unknown and malformed codes get the same answer.
func TestUniformNotFound(t *testing.T) {
	e := newEnv(t, withLimits(Limits{LookupsPerMinute: -1, PrefixPerMinute: -1}))
	b := e.browser()
	for _, base := range []string{"/api/v1/verify/", "/v/"} {
		var first resp
		for i, c := range []string{"ZZZZZZZZZZZZZZZZZZ", "not-a-code!", "%E5%BC%A0", strings.Repeat("A", 70), "A"} {
			r := b.get(base + c)
			if r.StatusCode != http.StatusNotFound {
				t.Fatalf("%s%s: %d", base, c, r.StatusCode)
			}
			if i == 0 {
				first = r
				continue
			}
			if stripRequestID(r.Body) != stripRequestID(first.Body) || r.Header.Get("Content-Type") != first.Header.Get("Content-Type") {
				t.Errorf("%s%s differs from an unknown code:\n%s\n%s", base, c, r.Body, first.Body)
			}
		}
	}
}

// A load test of the limiter through HTTP on 127.0.0.1: 400 concurrent
// lookups from one client with a frozen clock; exactly the burst passes.
func TestRateLimitUnderLoad(t *testing.T) {
	const burst, total = 50, 400
	e := newEnv(t, withLimits(Limits{LookupsPerMinute: burst, PrefixPerMinute: -1}))
	if !strings.HasPrefix(e.srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on loopback: %s", e.srv.URL)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	defer client.CloseIdleConnections()
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range total {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			res, err := client.Get(e.srv.URL + "/api/v1/verify/" + []string{validCode, "ZZZZZZZZZZZZZZZZZZ"}[i%2])
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			mu.Lock()
			counts[res.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts[200]+counts[404] != burst || counts[429] != total-burst {
		t.Fatalf("statuses %v, want %d passed and %d limited", counts, burst, total-burst)
	}
}
