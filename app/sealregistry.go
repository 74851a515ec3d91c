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

// sealRecordFor is how long a seal record read from the store answers
// look-ups. A change made through this process's CAAdmin counts at once
// (it calls Forget); one made by another process (sihub seal … while the
// server runs) within this time — the same bound as the registry answers
// of the revocation source.
const sealRecordFor = 5 * time.Second

// SealRegistry finds the agency's seals by the SM3 digest of their SESeal
// (verifier.SealRegistry). It indexes digest → seal id at start and again
// on a miss (at most every sealRefresh), and keeps each seal record read
// from the store for sealRecordFor, so a verification does not decode the
// seal record every time while a change of status (a seal revoked or
// restored) still counts within seconds, at once in this process.
type SealRegistry struct {
	st  SealStore
	now func() time.Time

	mu       sync.Mutex
	byDigest map[string]string
	built    time.Time
	records  map[string]cachedSeal // by seal id
}

type cachedSeal struct {
	s  model.Seal
	at time.Time
}

// Forget drops the cached record of seal id, so the next look-up reads
// the store (after a change of its status).
func (r *SealRegistry) Forget(id string) {
	r.mu.Lock()
	delete(r.records, id)
	r.mu.Unlock()
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
	var c cachedSeal
	var cached bool
	if ok {
		c, cached = r.records[id]
	}
	now := r.now()
	r.mu.Unlock()
	if !ok {
		return model.Seal{}, fmt.Errorf("app: no seal with SESeal digest %s: %w", key, model.ErrNotFound)
	}
	if cached && now.Sub(c.at) < sealRecordFor && !now.Before(c.at) {
		return c.s, nil
	}
	s, err := r.st.Seal(ctx, id)
	if err != nil {
		return model.Seal{}, fmt.Errorf("app: seal %s: %w", id, err)
	}
	r.mu.Lock()
	if r.records == nil {
		r.records = make(map[string]cachedSeal)
	}
	if len(r.records) >= maxCachedSeals {
		clear(r.records)
	}
	r.records[id] = cachedSeal{s: s, at: now}
	r.mu.Unlock()
	return s, nil
}

// maxCachedSeals bounds the record cache (an agency has a handful of
// seals; the bound only guards against a store that lists thousands).
const maxCachedSeals = 1024
