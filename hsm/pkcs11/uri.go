package pkcs11

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"sihub/hsm"
)

// ErrURI: the PKCS#11 URI is malformed or names something unsupported.
var ErrURI = errors.New("hsm/pkcs11: bad PKCS#11 URI")

// maxURILen caps the URI (RFC 7512 sets no limit; ours is generous).
const maxURILen = 4096

// Config selects a module, a token and how to log in. ParseURI fills it
// from a URI, including the pool options of hsm.PoolOptions.SetURIOption
// (x-max-sessions, x-call-timeout, x-breaker-failures, x-breaker-cooldown,
// x-inline in the query); SM2 and the clocks can only be set in code.
type Config struct {
	ModulePath   string // module-path; required
	Token        string // token (label); at least one of Token, Serial, SlotID
	Manufacturer string // manufacturer (token's manufacturer ID)
	Serial       string // serial
	SlotID       *uint  // slot-id
	PIN          string // pin-value, or read from PINSource
	PINSource    string // pin-source: "file:/path" or a plain path
	SM2Profile   string // x-sm2-profile: a profile name from the table

	// SM2 overrides the profile table when set.
	SM2 *SM2Profile
	// Pool configures sessions, timeouts and the circuit breaker.
	Pool hsm.PoolOptions
}

var pathAttrs = map[string]bool{
	"token": true, "manufacturer": true, "serial": true, "model": true,
	"library-manufacturer": true, "library-description": true, "library-version": true,
	"object": true, "type": true, "id": true,
	"slot-description": true, "slot-manufacturer": true, "slot-id": true,
}

var queryAttrs = map[string]bool{
	"pin-source": true, "pin-value": true, "module-name": true, "module-path": true,
}

// ParseURI parses an RFC 7512 URI naming a token. Attributes that select
// objects (object, id, type) are accepted and ignored: the backend is the
// whole token. Unknown attributes are errors unless vendor ("x-").
// Errors never quote the URI (it may hold a PIN).
func ParseURI(uri string) (Config, error) {
	var c Config
	if len(uri) > maxURILen {
		return c, fmt.Errorf("%w: longer than %d bytes", ErrURI, maxURILen)
	}
	scheme, rest, ok := strings.Cut(uri, ":")
	if !ok || !strings.EqualFold(scheme, "pkcs11") {
		return c, fmt.Errorf("%w: scheme is not pkcs11", ErrURI)
	}
	path, query, _ := strings.Cut(rest, "?")
	seen := map[string]bool{}
	set := func(name, value string) error {
		if seen[name] {
			return fmt.Errorf("%w: attribute %q repeated", ErrURI, name)
		}
		seen[name] = true
		switch name {
		case "module-path":
			c.ModulePath = value
		case "token":
			c.Token = value
		case "manufacturer":
			c.Manufacturer = value
		case "serial":
			c.Serial = value
		case "slot-id":
			n, err := strconv.ParseUint(value, 10, 32)
			if err != nil {
				return fmt.Errorf("%w: slot-id is not a number", ErrURI)
			}
			s := uint(n)
			c.SlotID = &s
		case "pin-value":
			c.PIN = value
		case "pin-source":
			c.PINSource = value
		case "x-sm2-profile":
			c.SM2Profile = value
		}
		return nil
	}
	parse := func(part, sep string, known map[string]bool) error {
		if part == "" {
			return nil
		}
		for _, attr := range strings.Split(part, sep) {
			k, v, ok := strings.Cut(attr, "=")
			if !ok || k == "" {
				return fmt.Errorf("%w: attribute without a name or value", ErrURI)
			}
			k = strings.ToLower(k)
			if !known[k] && !strings.HasPrefix(k, "x-") {
				return fmt.Errorf("%w: unknown attribute %q", ErrURI, k)
			}
			val, err := url.PathUnescape(v)
			if err != nil {
				return fmt.Errorf("%w: bad percent-encoding in %q", ErrURI, k)
			}
			if sep == "&" {
				if known, err := c.Pool.SetURIOption(k, val); known {
					if err != nil {
						return fmt.Errorf("%w: %v", ErrURI, err)
					}
					continue
				}
			}
			if err := set(k, val); err != nil {
				return err
			}
		}
		return nil
	}
	if err := parse(path, ";", pathAttrs); err != nil {
		return Config{}, err
	}
	if err := parse(query, "&", queryAttrs); err != nil {
		return Config{}, err
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
	if c.Token == "" && c.Serial == "" && c.SlotID == nil {
		return fmt.Errorf("%w: name the token (token=, serial= or slot-id=)", ErrURI)
	}
	if c.PIN != "" && c.PINSource != "" {
		return fmt.Errorf("%w: both pin-value and pin-source given", ErrURI)
	}
	return nil
}

// pin returns the PIN, reading PINSource when set.
func (c *Config) pin() (string, error) {
	if c.PINSource == "" {
		return c.PIN, nil
	}
	pin, err := hsm.ReadPINSource(c.PINSource)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrURI, err)
	}
	return pin, nil
}
