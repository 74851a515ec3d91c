package sdf

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"sihub/hsm"
)

// ErrURI: the SDF URI is malformed.
var ErrURI = errors.New("hsm/sdf: bad SDF URI")

const (
	maxURILen = 4096
	maxKeys   = 1024
)

// Config selects the library, the keys and the access password.
type Config struct {
	ModulePath     string // module-path; required
	KeyIndexes     []uint // key-index (comma-separated); at least one
	Password       string // pin-value
	PasswordSource string // pin-source: "file:/path" or a path
	RSSize         int    // rs-size: 32 or 64; 0 is 64
	Pool           hsm.PoolOptions
}

// ParseURI parses "sdf:?module-path=…&key-index=1,2&pin-source=…&rs-size=64",
// plus the pool options of hsm.PoolOptions.SetURIOption (x-max-sessions,
// x-call-timeout, x-breaker-failures, x-breaker-cooldown, x-inline).
// Errors never quote the URI (it may hold the password).
func ParseURI(uri string) (Config, error) {
	var c Config
	if len(uri) > maxURILen {
		return c, fmt.Errorf("%w: longer than %d bytes", ErrURI, maxURILen)
	}
	scheme, rest, ok := strings.Cut(uri, ":")
	if !ok || !strings.EqualFold(scheme, "sdf") {
		return c, fmt.Errorf("%w: scheme is not sdf", ErrURI)
	}
	path, query, _ := strings.Cut(rest, "?")
	if path != "" {
		return c, fmt.Errorf("%w: attributes go in the query", ErrURI)
	}
	seen := map[string]bool{}
	for _, attr := range strings.Split(query, "&") {
		if attr == "" {
			continue
		}
		k, v, ok := strings.Cut(attr, "=")
		if !ok {
			return Config{}, fmt.Errorf("%w: attribute without a value", ErrURI)
		}
		k = strings.ToLower(k)
		if seen[k] {
			return Config{}, fmt.Errorf("%w: attribute %q repeated", ErrURI, k)
		}
		seen[k] = true
		v, err := url.QueryUnescape(v)
		if err != nil {
			return Config{}, fmt.Errorf("%w: bad percent-encoding in %q", ErrURI, k)
		}
		if known, err := c.Pool.SetURIOption(k, v); known {
			if err != nil {
				return Config{}, fmt.Errorf("%w: %v", ErrURI, err)
			}
			continue
		}
		switch k {
		case "module-path":
			c.ModulePath = v
		case "pin-value":
			c.Password = v
		case "pin-source":
			c.PasswordSource = v
		case "rs-size":
			n, err := strconv.Atoi(v)
			if err != nil {
				return Config{}, fmt.Errorf("%w: rs-size is not a number", ErrURI)
			}
			c.RSSize = n
		case "key-index":
			for _, f := range strings.Split(v, ",") {
				n, err := strconv.ParseUint(strings.TrimSpace(f), 10, 32)
				if err != nil {
					return Config{}, fmt.Errorf("%w: key-index is not a list of numbers", ErrURI)
				}
				if len(c.KeyIndexes) == maxKeys {
					return Config{}, fmt.Errorf("%w: more than %d key indexes", ErrURI, maxKeys)
				}
				c.KeyIndexes = append(c.KeyIndexes, uint(n))
			}
		default:
			return Config{}, fmt.Errorf("%w: unknown attribute %q", ErrURI, k)
		}
	}
	if err := c.check(); err != nil {
		return Config{}, err
	}
	return c, nil
}

func (c *Config) check() error {
	if c.ModulePath == "" {
		return fmt.Errorf("%w: module-path is required", ErrURI)
	}
	if len(c.KeyIndexes) == 0 {
		return fmt.Errorf("%w: key-index is required", ErrURI)
	}
	if c.RSSize == 0 {
		c.RSSize = 64
	}
	if c.RSSize != 32 && c.RSSize != 64 {
		return fmt.Errorf("%w: rs-size must be 32 or 64", ErrURI)
	}
	if c.Password != "" && c.PasswordSource != "" {
		return fmt.Errorf("%w: both pin-value and pin-source given", ErrURI)
	}
	return nil
}

func (c *Config) password() (string, error) {
	if c.PasswordSource == "" {
		return c.Password, nil
	}
	pin, err := hsm.ReadPINSource(c.PasswordSource)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrURI, err)
	}
	return pin, nil
}
