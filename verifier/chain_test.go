package verifier

import (
	"errors"
	"testing"
)

func TestChainCacheBounded(t *testing.T) {
	c := newChainCache(2)
	keys := [][32]byte{{1}, {2}, {3}}
	for i, k := range keys {
		c.put(k, chainResult{err: errors.New(string(rune('a' + i)))})
	}
	if _, ok := c.get(keys[0]); ok {
		t.Error("oldest entry not evicted")
	}
	for _, k := range keys[1:] {
		if _, ok := c.get(k); !ok {
			t.Errorf("entry %v missing", k[0])
		}
	}
	if len(c.items) != 2 || len(c.order) != 2 {
		t.Errorf("cache holds %d items, %d keys", len(c.items), len(c.order))
	}
	off := newChainCache(-1)
	off.put(keys[0], chainResult{})
	if _, ok := off.get(keys[0]); ok {
		t.Error("a disabled cache stored an entry")
	}
}

// TestChainKeyDependsOnEmbeddedCertificates: the same leaf with other
// embedded certificates is another cache entry.
func TestChainKeyDependsOnEmbeddedCertificates(t *testing.T) {
	sm2, p256 := testPKI(t, "sm2"), testPKI(t, "p256")
	a := chainKey(sm2.Leaf, sm2.Chain())
	b := chainKey(sm2.Leaf, p256.Chain())
	c := chainKey(sm2.Leaf, append(sm2.Chain(), sm2.Leaf))
	if a == b {
		t.Error("different intermediates, same key")
	}
	if a != c {
		t.Error("the leaf among the embedded certificates changed the key")
	}
}
