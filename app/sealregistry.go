package app

import (
	"context"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"sihub/model"
)

// SealStore is what the seal registry reads; store.Store implements it.
type SealStore interface {
	Seal(ctx context.Context, id string) (model.Seal, error)
	ListSeals(ctx context.Context) ([]model.Seal, error)
}

// sealRefresh is the least time between two rebuilds of the index on a
// miss, so that signatures naming unknown seals cannot make every
// verification list the seals.
const sealRefresh = 10 * time.Second

// SealRegistry finds the agency's seals by the SM3 digest of their SESeal
// (verifier.SealRegistry). It indexes digest → seal id at start and again
// on a miss (at most every sealRefresh), and reads the seal record itself
// from the store on every look-up, so a change of status (a seal revoked
// or restored) counts from the next verification.
type SealRegistry struct {
	st  SealStore
	now func() time.Time

	mu       sync.Mutex
	byDigest map[string]string
	built    time.Time
}

// NewSealRegistry builds the index over st's seals; now is the clock (nil:
// time.Now).
func NewSealRegistry(ctx context.Context, st SealStore, now func() time.Time) (*SealRegistry, error) {
	if now == nil {
		now = time.Now
	}
	r := &SealRegistry{st: st, now: now}
	if err := r.rebuild(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *SealRegistry) rebuild(ctx context.Context) error {
	seals, err := r.st.ListSeals(ctx)
	if err != nil {
		return fmt.Errorf("app: listing seals: %w", err)
	}
	idx := make(map[string]string, len(seals))
	for _, s := range seals {
		if len(s.SESeal) == 0 {
			continue
		}
		sum := sm3.Sum(s.SESeal)
		idx[hex.EncodeToString(sum[:])] = s.ID
	}
	r.byDigest, r.built = idx, r.now()
	return nil
}

// Add indexes a seal the instance just made (an approved request), so
// that what it seals verifies at once instead of after the next rebuild.
func (r *SealRegistry) Add(s model.Seal) {
	if len(s.SESeal) == 0 {
		return
	}
	sum := sm3.Sum(s.SESeal)
	r.mu.Lock()
	r.byDigest[hex.EncodeToString(sum[:])] = s.ID
	r.mu.Unlock()
}

// SealByDigest returns the seal whose SESeal has the SM3 digest, or an
// error wrapping model.ErrNotFound.
func (r *SealRegistry) SealByDigest(ctx context.Context, digest []byte) (model.Seal, error) {
	key := hex.EncodeToString(digest)
	r.mu.Lock()
	id, ok := r.byDigest[key]
	if !ok {
		if now := r.now(); now.Sub(r.built) >= sealRefresh || now.Before(r.built) {
			if err := r.rebuild(ctx); err != nil {
				r.mu.Unlock()
				return model.Seal{}, err
			}
			id, ok = r.byDigest[key]
		}
	}
	r.mu.Unlock()
	if !ok {
		return model.Seal{}, fmt.Errorf("app: no seal with SESeal digest %s: %w", key, model.ErrNotFound)
	}
	s, err := r.st.Seal(ctx, id)
	if err != nil {
		return model.Seal{}, fmt.Errorf("app: seal %s: %w", id, err)
	}
	return s, nil
}
