package app

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"sihub/model"
)

// countingSeals is an in-memory SealStore that counts ListSeals calls.
type countingSeals struct {
	seals map[string]model.Seal
	lists int
}

func (c *countingSeals) Seal(_ context.Context, id string) (model.Seal, error) {
	s, ok := c.seals[id]
	if !ok {
		return model.Seal{}, fmt.Errorf("seal %s: %w", id, model.ErrNotFound)
	}
	return s, nil
}

func (c *countingSeals) ListSeals(context.Context) ([]model.Seal, error) {
	c.lists++
	out := make([]model.Seal, 0, len(c.seals))
	for _, s := range c.seals {
		out = append(out, s)
	}
	return out, nil
}

func TestSealRegistryRefreshesOnMiss(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	st := &countingSeals{seals: map[string]model.Seal{"a": {ID: "a", Status: "active", SESeal: []byte("seal a")}}}
	r, err := NewSealRegistry(ctx, st, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	da, db := sm3.Sum([]byte("seal a")), sm3.Sum([]byte("seal b"))
	if s, err := r.SealByDigest(ctx, da[:]); err != nil || s.ID != "a" {
		t.Fatalf("known seal: %+v %v", s, err)
	}
	// A status change made elsewhere is seen once the record's time is
	// up, one made through Forget at once — without a rebuild either way.
	st.seals["a"] = model.Seal{ID: "a", Status: "revoked", SESeal: []byte("seal a")}
	if s, _ := r.SealByDigest(ctx, da[:]); s.Status != "active" {
		t.Fatalf("status %q within the record's time, want the cached active", s.Status)
	}
	now = now.Add(sealRecordFor)
	if s, _ := r.SealByDigest(ctx, da[:]); s.Status != "revoked" {
		t.Fatalf("status %q after the record's time, want revoked", s.Status)
	}
	st.seals["a"] = model.Seal{ID: "a", Status: "active", SESeal: []byte("seal a")}
	r.Forget("a")
	if s, _ := r.SealByDigest(ctx, da[:]); s.Status != "active" {
		t.Fatalf("status %q after Forget, want active", s.Status)
	}
	// A seal made after start is found once the refresh interval passed;
	// misses within the interval do not list the seals again.
	st.seals["b"] = model.Seal{ID: "b", Status: "active", SESeal: []byte("seal b")}
	if _, err := r.SealByDigest(ctx, db[:]); !errors.Is(err, model.ErrNotFound) || st.lists != 1 {
		t.Fatalf("within the interval: %v after %d listings", err, st.lists)
	}
	now = now.Add(sealRefresh)
	if s, err := r.SealByDigest(ctx, db[:]); err != nil || s.ID != "b" || st.lists != 2 {
		t.Fatalf("after the interval: %+v %v after %d listings", s, err, st.lists)
	}
}
