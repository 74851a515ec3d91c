package verifier

import "sync"

// boundedCache is a map with first-in first-out eviction, safe for
// concurrent use. max <= 0 disables it.
type boundedCache[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	items map[K]V
	order []K
}

func newBoundedCache[K comparable, V any](max int) *boundedCache[K, V] {
	return &boundedCache[K, V]{max: max, items: map[K]V{}}
}

func (c *boundedCache[K, V]) get(k K) (V, bool) {
	var zero V
	if c.max <= 0 {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.items[k]
	return v, ok
}

func (c *boundedCache[K, V]) put(k K, v V) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok {
		return
	}
	if len(c.order) >= c.max {
		delete(c.items, c.order[0])
		c.order = c.order[1:]
	}
	c.items[k] = v
	c.order = append(c.order, k)
}
