package portal

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"sihub/verifier"
)

// An uploaded file is never stored. Its verifier report (which holds no
// unmasked personal data) is kept for a short time under a random id, so
// the result page can switch language and the sealed report PDF can be
// made from the same verification without uploading again.
const (
	resultTTL     = 30 * time.Minute
	resultEntries = 1000
	resultIDBytes = 16 // 128 random bits: ids cannot be guessed
)

type cachedResult struct {
	rep *verifier.Report
	at  time.Time // when the file was verified
}

// resultCache is a bounded map with expiry; the oldest entry makes room.
type resultCache struct {
	mu    sync.Mutex
	now   func() time.Time
	m     map[string]cachedResult
	order []string // ids, oldest first
}

func newResultCache(now func() time.Time) *resultCache {
	return &resultCache{now: now, m: make(map[string]cachedResult)}
}

// put stores rep and returns its id.
func (c *resultCache) put(rep *verifier.Report) string {
	b := make([]byte, resultIDBytes)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire()
	for len(c.order) >= resultEntries {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	c.m[id] = cachedResult{rep: rep, at: c.now()}
	c.order = append(c.order, id)
	return id
}

// get returns the result stored under id, if it has not expired.
func (c *resultCache) get(id string) (cachedResult, bool) {
	if len(id) != 2*resultIDBytes {
		return cachedResult{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire()
	r, ok := c.m[id]
	return r, ok
}

// expire drops the entries older than resultTTL (they are in order).
func (c *resultCache) expire() {
	cut := c.now().Add(-resultTTL)
	n := 0
	for n < len(c.order) && !c.m[c.order[n]].at.After(cut) {
		delete(c.m, c.order[n])
		n++
	}
	c.order = c.order[n:]
}
