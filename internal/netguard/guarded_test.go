package netguard

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sihub/internal/testutil"
)

// outbound matches the ways Go code opens connections or sends HTTP
// requests of its own.
var outbound = regexp.MustCompile(`\bhttp\.(?:(?:Get|Head|Post|PostForm|DefaultClient|DefaultTransport|NewRequest|NewRequestWithContext)\b|Client\{|Transport\{)|\b(?:net|tls)\.Dial|\bnet\.Dialer\{`)

func TestOutboundPattern(t *testing.T) {
	for line, want := range map[string]bool{
		`resp, err := http.Get(u)`:                                           true,
		`c := &http.Client{Timeout: time.Second}`:                            true,
		`tr := http.Transport{}`:                                             true,
		`http.DefaultClient.Do(req)`:                                         true,
		`req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)`:           true,
		`conn, err := net.Dial("tcp", addr)`:                                 true,
		`d := net.Dialer{}`:                                                  true,
		`c, err := tls.DialWithDialer(d, "tcp", a, cfg)`:                     true,
		`func (h handler) ServeHTTP(w http.ResponseWriter, r *http.Request)`: false,
		`http.Error(w, "no", http.StatusBadRequest)`:                         false,
		`srv := &http.Server{Addr: a}`:                                       false,
	} {
		if got := outbound.MatchString(line); got != want {
			t.Errorf("%q: matched %v, want %v", line, got, want)
		}
	}
}

// TestEveryOutboundFetchIsGuarded enforces the house rule: production code
// reaches the network only through this package. Tests may use httptest
// and their own clients.
func TestEveryOutboundFetchIsGuarded(t *testing.T) {
	root := testutil.RepoRoot(t)
	self := filepath.Join(root, "internal", "netguard")
	scanned := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == self || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "data" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		scanned++
		for i, line := range strings.Split(string(b), "\n") {
			if !strings.Contains(line, "http.") && !strings.Contains(line, "Dial") {
				continue
			}
			if m := outbound.FindString(line); m != "" && !strings.HasPrefix(strings.TrimSpace(line), "//") {
				rel, _ := filepath.Rel(root, p)
				t.Errorf("%s:%d uses %s; outbound fetches go through internal/netguard", rel, i+1, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 50 {
		t.Fatalf("only %d Go files scanned; the walk is wrong", scanned)
	}
}
