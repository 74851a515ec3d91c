package app

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"sihub/signer"
)

// maxKindsEnv caps SIHUB_KINDS.
const maxKindsEnv = 4096

// parseKindsEnv reads SIHUB_KINDS: comma-separated entries
// KIND=VALIDITY[/WINDOW][@LEVEL], e.g.
//
//	insurance-certificate=30d/90d,rights-record=@B-LTA,receipt=180d
//
// VALIDITY and WINDOW are a number of days ("30d") or a Go duration
// ("720h"); an empty VALIDITY keeps the kind's default; WINDOW defaults to
// VALIDITY; LEVEL is a PAdES level (B-B, B-T, B-LT, B-LTA). Unknown kinds
// and bad values are errors: a typo must not silently keep a default.
func parseKindsEnv(v string) (map[string]signer.KindConfig, map[string]signer.Level, error) {
	if len(v) > maxKindsEnv {
		return nil, nil, fmt.Errorf("app: SIHUB_KINDS is longer than %d bytes", maxKindsEnv)
	}
	kinds := map[string]signer.KindConfig{}
	levels := map[string]signer.Level{}
	seen := map[string]bool{}
	for entry := range strings.SplitSeq(v, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		kind, spec, ok := strings.Cut(entry, "=")
		kind = strings.TrimSpace(kind)
		if _, known := signer.KindNames[kind]; !ok || !known {
			names := slices.Sorted(maps.Keys(signer.KindNames))
			return nil, nil, fmt.Errorf("app: SIHUB_KINDS: %q is not KIND=VALIDITY[/WINDOW][@LEVEL] with a kind of %s", entry, strings.Join(names, ", "))
		}
		if seen[kind] {
			return nil, nil, fmt.Errorf("app: SIHUB_KINDS names %s twice", kind)
		}
		seen[kind] = true
		spec, level, hasLevel := strings.Cut(spec, "@")
		if hasLevel {
			l := signer.Level(strings.TrimSpace(level))
			if !l.Valid() {
				return nil, nil, fmt.Errorf("app: SIHUB_KINDS: %s: level %q is not B-B, B-T, B-LT or B-LTA", kind, level)
			}
			levels[kind] = l
		}
		validity, window, _ := strings.Cut(spec, "/")
		if strings.TrimSpace(validity) == "" {
			if strings.TrimSpace(window) != "" {
				return nil, nil, fmt.Errorf("app: SIHUB_KINDS: %s: a verification window needs a validity", kind)
			}
			continue
		}
		c := signer.KindConfig{}
		var err error
		if c.Validity, err = parseDays(validity); err != nil {
			return nil, nil, fmt.Errorf("app: SIHUB_KINDS: %s: validity: %w", kind, err)
		}
		if strings.TrimSpace(window) != "" {
			if c.VerifyWindow, err = parseDays(window); err != nil {
				return nil, nil, fmt.Errorf("app: SIHUB_KINDS: %s: verification window: %w", kind, err)
			}
			if c.VerifyWindow < c.Validity {
				return nil, nil, fmt.Errorf("app: SIHUB_KINDS: %s: the verification window %s is shorter than the validity %s", kind, window, validity)
			}
		}
		kinds[kind] = c
	}
	return kinds, levels, nil
}

// parseDays reads "30d" (days) or a Go duration, at least a day and at
// most 30 years.
func parseDays(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		if days < 1 || days > 30*366 { // before multiplying: no overflow
			return 0, fmt.Errorf("%q is not between a day and 30 years", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is neither days (30d) nor a duration (720h)", s)
		}
	}
	if d < 24*time.Hour || d > 30*365*24*time.Hour {
		return 0, fmt.Errorf("%q is not between a day and 30 years", s)
	}
	return d, nil
}
