package app

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sihub/internal/netguard"
)

func TestFetchConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := FromEnv(env("SIHUB_PUBLIC_URL", "https://si.example.gov.cn"))
	if err != nil {
		t.Fatal(err)
	}
	if l, err := c.FetchAllowList(); err != nil || l.String() != "https://si.example.gov.cn" || c.FetchTimeout != 10*time.Second {
		t.Fatalf("defaults: allow %q %v, timeout %s", l, err, c.FetchTimeout)
	}
	c, err = FromEnv(env("SIHUB_FETCH_ALLOW", "ocsp.ca.example.cn, *.crl.example.cn:8080", "SIHUB_FETCH_TIMEOUT", "3s",
		"SIHUB_FETCH_ALLOW_NETS", "10.8.0.0/16, 192.168.7.1/24"))
	if err != nil {
		t.Fatal(err)
	}
	if nets, err := c.fetchAllowNets(); err != nil || len(nets) != 2 || nets[1].String() != "192.168.7.0/24" {
		t.Fatalf("allowed nets %v %v", nets, err)
	}
	if l, err := c.FetchAllowList(); err != nil || l.String() != "ocsp.ca.example.cn,*.crl.example.cn:8080" || c.FetchTimeout != 3*time.Second {
		t.Fatalf("set: allow %q %v, timeout %s", l, err, c.FetchTimeout)
	}
	c, err = FromEnv(env("SIHUB_FETCH_ALLOW", "none"))
	if l, lerr := c.FetchAllowList(); err != nil || lerr != nil || len(l) != 0 {
		t.Fatalf("none: %q %v %v", l, err, lerr)
	}
	for name, e := range map[string]func(string) string{
		"bad pattern":   env("SIHUB_FETCH_ALLOW", "ocsp.example.cn/path"),
		"wildcard TLD":  env("SIHUB_FETCH_ALLOW", "*.cn"),
		"long timeout":  env("SIHUB_FETCH_TIMEOUT", "1h"),
		"short timeout": env("SIHUB_FETCH_TIMEOUT", "1ms"),
		"not duration":  env("SIHUB_FETCH_TIMEOUT", "soon"),
		"bad net":       env("SIHUB_FETCH_ALLOW_NETS", "10.8.0.0"),
	} {
		if _, err := FromEnv(e); err == nil || !strings.Contains(err.Error(), "SIHUB_FETCH_") {
			t.Errorf("%s: got %v, want an error naming the setting", name, err)
		}
	}
	_, err = FromEnv(env("SIHUB_FETCH_ALLOW", "*.cn"))
	if !errors.Is(err, netguard.ErrInvalid) {
		t.Errorf("a bad pattern's error %v does not wrap netguard.ErrInvalid", err)
	}
}
