package portal

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Limits are the portal's rate limits and API quotas, counted per portal
// process in bounded memory (see limiter). Zero fields take the defaults
// below; a negative field switches that limit off.
type Limits struct {
	// LookupsPerMinute: code lookups (GET /v/{code}, GET
	// /api/v1/verify/{code}) per client address without an API key.
	LookupsPerMinute int
	// PrefixPerMinute: anonymous lookups per code prefix (the first
	// PrefixLen symbols of the canonical code), whoever asks.
	PrefixPerMinute int
	// UploadsPerMinute: PDF verifications (POST /verify, POST
	// /api/v1/verify) per client address without an API key.
	UploadsPerMinute int
	// APIPerMinute and APIPerDay: lookups per API key; a batch counts one
	// per code or file. The per-minute quota is also the largest batch a
	// key can send at once.
	APIPerMinute int
	APIPerDay    int
	// Capacity bounds the keys each limiter remembers.
	Capacity int
}

// Defaults of Limits.
const (
	DefaultLookupsPerMinute = 60
	DefaultPrefixPerMinute  = 30
	DefaultUploadsPerMinute = 10
	DefaultAPIPerMinute     = 2000
	DefaultAPIPerDay        = 100000
	DefaultLimitCapacity    = 10000
	// PrefixLen is how many leading symbols of a code form its prefix.
	PrefixLen = 4
	// DefaultMaxBatchBytes caps the body of a batch of PDFs.
	DefaultMaxBatchBytes = 64 << 20
)

func (l *Limits) applyDefaults() {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&l.LookupsPerMinute, DefaultLookupsPerMinute)
	def(&l.PrefixPerMinute, DefaultPrefixPerMinute)
	def(&l.UploadsPerMinute, DefaultUploadsPerMinute)
	def(&l.APIPerMinute, DefaultAPIPerMinute)
	def(&l.APIPerDay, DefaultAPIPerDay)
	if l.Capacity <= 0 {
		l.Capacity = DefaultLimitCapacity
	}
}

// limiters are the buckets of the public endpoints and the API keys.
type limiters struct {
	lookupByIP *limiter
	byPrefix   *limiter
	uploadByIP *limiter
	keyMinute  *limiter
	keyDay     *limiter
	// perKey holds the configured overrides, by key id.
	perKeyMinute map[string]*limiter
	perKeyDay    map[string]*limiter
}

func newLimiters(l Limits, insts []Institution) *limiters {
	ls := &limiters{
		lookupByIP:   newLimiter(l.LookupsPerMinute, time.Minute, l.Capacity),
		byPrefix:     newLimiter(l.PrefixPerMinute, time.Minute, l.Capacity),
		uploadByIP:   newLimiter(l.UploadsPerMinute, time.Minute, l.Capacity),
		keyMinute:    newLimiter(l.APIPerMinute, time.Minute, l.Capacity),
		keyDay:       newLimiter(l.APIPerDay, 24*time.Hour, l.Capacity),
		perKeyMinute: map[string]*limiter{},
		perKeyDay:    map[string]*limiter{},
	}
	for _, in := range insts {
		if in.PerMinute > 0 {
			ls.perKeyMinute[in.KeyID] = newLimiter(in.PerMinute, time.Minute, 1)
		}
		if in.PerDay > 0 {
			ls.perKeyDay[in.KeyID] = newLimiter(in.PerDay, 24*time.Hour, 1)
		}
	}
	return ls
}

// Error kinds of the limits; respondError answers 429 with Retry-After.
var (
	// ErrRateLimited: a client address or a code prefix sent too many
	// requests.
	ErrRateLimited = errors.New("portal: rate limited")
	// ErrQuota: an API key used up its quota.
	ErrQuota = errors.New("portal: API quota exceeded")
)

// retryError carries how long the client should wait.
type retryError struct {
	err   error
	after time.Duration
}

func (e *retryError) Error() string { return fmt.Sprintf("%v (retry after %v)", e.err, e.after) }
func (e *retryError) Unwrap() error { return e.err }

// setRetryAfter sets the Retry-After header (whole seconds, at least 1)
// when err says how long to wait.
func setRetryAfter(w http.ResponseWriter, err error) {
	var re *retryError
	if errors.As(err, &re) {
		secs := int64((re.after + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(max(1, secs), 10))
	}
}

// codePrefix is the prefix bucket of a code as typed; malformed input
// shares one bucket.
func codePrefix(raw string) string {
	c := NormalizeCode(raw)
	if c == "" {
		return "?"
	}
	return c[:min(PrefixLen, len(c))]
}

// limitLookup charges an anonymous code lookup to the client address and
// to the code's prefix.
func (s *server) limitLookup(r *http.Request, raw string) error {
	now := s.cfg.Now()
	if ok, wait := s.limits.lookupByIP.take(remoteAddr(r), 1, now); !ok {
		s.metrics.limited.WithLabelValues("client").Inc()
		return &retryError{userErr(ErrRateLimited, "查询过于频繁，请稍后再试。", nil), wait}
	}
	if ok, wait := s.limits.byPrefix.take(codePrefix(raw), 1, now); !ok {
		s.limits.lookupByIP.refund(remoteAddr(r), 1)
		s.metrics.limited.WithLabelValues("prefix").Inc()
		return &retryError{userErr(ErrRateLimited, "该防伪码的查询过于频繁，请稍后再试。", nil), wait}
	}
	return nil
}

// limitUpload charges an anonymous PDF verification to the client address.
func (s *server) limitUpload(r *http.Request) error {
	if ok, wait := s.limits.uploadByIP.take(remoteAddr(r), 1, s.cfg.Now()); !ok {
		s.metrics.limited.WithLabelValues("upload").Inc()
		return &retryError{userErr(ErrRateLimited, "文件验证过于频繁，请稍后再试。", nil), wait}
	}
	return nil
}

// chargeKey takes n lookups from an API key's quotas, per minute and per
// day; nothing is taken when either refuses.
func (s *server) chargeKey(keyID string, n int) error {
	now := s.cfg.Now()
	minute, day := s.limits.keyMinute, s.limits.keyDay
	if l, ok := s.limits.perKeyMinute[keyID]; ok {
		minute = l
	}
	if l, ok := s.limits.perKeyDay[keyID]; ok {
		day = l
	}
	ok, wait := day.take(keyID, n, now)
	if !ok {
		s.metrics.limited.WithLabelValues("quota_day").Inc()
		return &retryError{userErr(ErrQuota, "该 API 密钥今日的查询额度已用完。", nil), wait}
	}
	if ok, wait := minute.take(keyID, n, now); !ok {
		day.refund(keyID, n)
		s.metrics.limited.WithLabelValues("quota_minute").Inc()
		return &retryError{userErr(ErrQuota, "该 API 密钥每分钟的查询额度已用完，请稍后再试。", nil), wait}
	}
	return nil
}
