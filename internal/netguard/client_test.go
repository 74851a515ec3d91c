package netguard

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// server is an httptest server on 127.0.0.1 that counts its requests.
type server struct {
	*httptest.Server
	hits atomic.Int64
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) hostPort() string { u, _ := url.Parse(s.URL); return u.Host }
func (s *server) port() string     { u, _ := url.Parse(s.URL); return u.Port() }

// fixedResolver answers every name with the same addresses.
type fixedResolver struct {
	addrs []netip.Addr
	asked atomic.Int64
}

func (r *fixedResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	r.asked.Add(1)
	return r.addrs, nil
}

func newClient(t *testing.T, allow string, mod func(*Config)) (*Client, *bytes.Buffer) {
	t.Helper()
	l, err := ParseAllowList(allow)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cfg := Config{Allow: l, Timeout: 5 * time.Second, ConnectTimeout: 2 * time.Second,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, &logs
}

func TestFetchFromListedLoopbackLiteral(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/ocsp-response")
		fmt.Fprintf(w, "%s %s", r.Method, body)
	})
	c, _ := newClient(t, s.hostPort(), nil)
	resp, err := c.Post(context.Background(), s.URL+"/ocsp", "application/ocsp-request", []byte("req"), MaxOCSPBytes)
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "POST req" || resp.ContentType != "application/ocsp-response" || resp.StatusCode != 200 {
		t.Fatalf("response %+v %q", resp, resp.Body)
	}
	if st := c.Stats(); st.Fetches[OutcomeOK] != 1 || st.Bytes != uint64(len("POST req")) {
		t.Fatalf("stats %+v", st)
	}
}

func TestRefusesUnlistedHostWithoutConnecting(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {})
	c, _ := newClient(t, "127.0.0.1:1,ocsp.example.com", nil)
	_, err := c.Get(context.Background(), s.URL+"/x.crl", MaxCRLBytes)
	if !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("got %v, want ErrNotAllowed", err)
	}
	if s.hits.Load() != 0 {
		t.Fatal("the unlisted server was reached")
	}
	if c.Stats().Fetches[OutcomeRefused] != 1 {
		t.Fatalf("stats %+v", c.Stats())
	}
	if err := c.Allowed(s.URL); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("Allowed: %v", err)
	}
}

func TestNameResolvingToForbiddenAddress(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	res := &fixedResolver{addrs: []netip.Addr{netip.MustParseAddr("127.0.0.1")}}
	target := "http://ocsp.example.test:" + s.port() + "/"

	c, _ := newClient(t, "ocsp.example.test:*", func(c *Config) { c.Resolver = res })
	_, err := c.Get(context.Background(), target, 1024)
	if !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("got %v, want ErrNotAllowed naming loopback", err)
	}
	if res.asked.Load() == 0 || s.hits.Load() != 0 {
		t.Fatalf("resolver asked %d times, server hit %d times", res.asked.Load(), s.hits.Load())
	}

	// The same fetch with loopback allowed reaches the server: the refusal
	// above was the address policy and nothing else.
	allowed, _ := newClient(t, "ocsp.example.test:*", func(c *Config) {
		c.Resolver = res
		c.AllowPrefixes = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	if resp, err := allowed.Get(context.Background(), target, 1024); err != nil || string(resp.Body) != "ok" {
		t.Fatalf("with loopback allowed: %v", err)
	}
}

func TestForbiddenAddressesAreSkippedNotDialed(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	// A rebinding answer: a private address first, then the allowed one.
	res := &fixedResolver{addrs: []netip.Addr{netip.MustParseAddr("169.254.169.254"), netip.MustParseAddr("127.0.0.1")}}
	c, _ := newClient(t, "crl.example.test:*", func(c *Config) {
		c.Resolver = res
		c.AllowPrefixes = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	if _, err := c.Get(context.Background(), "http://crl.example.test:"+s.port()+"/", 1024); err != nil {
		t.Fatal(err)
	}
	// The Control hook refuses a socket to a forbidden address whatever
	// name led there.
	if err := c.control(netip.Addr{})("tcp4", "169.254.169.254:80", nil); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("Control accepted the metadata address: %v", err)
	}
	if err := c.control(netip.Addr{})("tcp4", "127.0.0.1:80", nil); err != nil {
		t.Fatalf("Control refused an allowed address: %v", err)
	}
}

func TestRedirects(t *testing.T) {
	other := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "elsewhere") })
	var s *server
	s = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/away":
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/hop/"):
			var n int
			fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/hop/"), &n)
			if n == 0 {
				io.WriteString(w, "arrived")
				return
			}
			http.Redirect(w, r, fmt.Sprintf("%s/hop/%d", s.URL, n-1), http.StatusFound)
		}
	})
	c, _ := newClient(t, s.hostPort(), nil)
	ctx := context.Background()
	if _, err := c.Get(ctx, s.URL+"/away", 1024); !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("redirect to an unlisted host: %v", err)
	}
	if other.hits.Load() != 0 {
		t.Fatal("the redirect target was reached")
	}
	if resp, err := c.Get(ctx, s.URL+"/hop/3", 1024); err != nil || string(resp.Body) != "arrived" || !strings.HasSuffix(resp.URL, "/hop/0") {
		t.Fatalf("three redirects: %v", err)
	}
	before := s.hits.Load()
	if _, err := c.Get(ctx, s.URL+"/hop/4", 1024); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("four redirects: %v", err)
	}
	if got := s.hits.Load() - before; got != 4 {
		t.Fatalf("four redirects made %d requests, want 4 (the fifth not sent)", got)
	}
}

func TestSizeCap(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 2048)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.(http.Flusher).Flush() // no Content-Length
		}
		w.Write(big)
	})
	c, _ := newClient(t, s.hostPort(), nil)
	for _, path := range []string{"/announced", "/chunked"} {
		if _, err := c.Get(context.Background(), s.URL+path, 1024); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: got %v, want ErrTooLarge", path, err)
		}
	}
	if resp, err := c.Get(context.Background(), s.URL+"/announced", 2048); err != nil || len(resp.Body) != 2048 {
		t.Fatalf("a body at the cap: %v", err)
	}
	for _, n := range []int64{0, -1, MaxBytesLimit + 1} {
		if _, err := c.Get(context.Background(), s.URL, n); !errors.Is(err, ErrInvalid) {
			t.Errorf("cap %d: %v", n, err)
		}
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	release := make(chan struct{})
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		w.Write([]byte("12345"))
		w.(http.Flusher).Flush()
		select { // never finishes the body on its own
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c, _ := newClient(t, s.hostPort(), func(c *Config) { c.Timeout = 200 * time.Millisecond })
	start := time.Now()
	_, err := c.Get(context.Background(), s.URL, 1024)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("the timeout took %s", d)
	}
	if c.Stats().Fetches[OutcomeTimeout] != 1 {
		t.Fatalf("stats %+v", c.Stats())
	}
}

func TestStatusAndLogLine(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "fine")
	})
	c, logs := newClient(t, s.hostPort(), nil)
	resp, err := c.Get(context.Background(), s.URL+"/missing", 1024)
	if !errors.Is(err, ErrStatus) || resp == nil || resp.StatusCode != 404 {
		t.Fatalf("404: %v %+v", err, resp)
	}
	logs.Reset()
	if _, err := c.Get(context.Background(), s.URL+"/ca.crl?token=s3cret", 1024); err != nil {
		t.Fatal(err)
	}
	line := logs.String()
	for _, want := range []string{"host=" + s.hostPort(), "path=/ca.crl", "status=200", "bytes=4", "ms=", "outcome=ok"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %q", line, want)
		}
	}
	if strings.Contains(line, "s3cret") {
		t.Errorf("log line %q shows the query", line)
	}
}

func TestHTTPS(t *testing.T) {
	plain := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "plain") })
	hits := atomic.Int64{}
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/down" {
			http.Redirect(w, r, plain.URL+"/", http.StatusFound)
			return
		}
		io.WriteString(w, "secure")
	}))
	defer tlsSrv.Close()
	u, _ := url.Parse(tlsSrv.URL)
	allow := "https://" + u.Host + "," + plain.hostPort()
	pool := x509.NewCertPool()
	pool.AddCert(tlsSrv.Certificate())

	c, _ := newClient(t, allow, func(c *Config) { c.RootCAs = pool })
	if resp, err := c.Get(context.Background(), tlsSrv.URL+"/", 1024); err != nil || string(resp.Body) != "secure" {
		t.Fatalf("https with the server's root: %v", err)
	}
	if _, err := c.Get(context.Background(), tlsSrv.URL+"/down", 1024); !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), "https") {
		t.Fatalf("redirect from https to http: %v", err)
	}
	if plain.hits.Load() != 0 {
		t.Fatal("the downgrade was followed")
	}
	untrusting, _ := newClient(t, allow, nil)
	if _, err := untrusting.Get(context.Background(), tlsSrv.URL+"/", 1024); err == nil || errors.Is(err, ErrNotAllowed) {
		t.Fatalf("https without the server's root: %v, want a certificate error", err)
	}
}
