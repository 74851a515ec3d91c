package soft

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"sihub/model"
)

// memStore is an in-memory BlobStore with the store.Keys semantics.
type memStore struct {
	mu    sync.Mutex
	blobs map[string]model.KeyBlob
}

func newMemStore() *memStore { return &memStore{blobs: map[string]model.KeyBlob{}} }

func (m *memStore) PutKey(_ context.Context, k model.KeyBlob) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.blobs[k.ID]; ok {
		return fmt.Errorf("key %s: %w", k.ID, model.ErrConflict)
	}
	k.Wrapped = append([]byte(nil), k.Wrapped...)
	m.blobs[k.ID] = k
	return nil
}

func (m *memStore) Key(_ context.Context, id string) (model.KeyBlob, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.blobs[id]
	if !ok {
		return model.KeyBlob{}, fmt.Errorf("key %s: %w", id, model.ErrNotFound)
	}
	k.Wrapped = append([]byte(nil), k.Wrapped...)
	return k, nil
}

func (m *memStore) ListKeys(context.Context) ([]model.KeyBlob, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []model.KeyBlob
	for _, k := range m.blobs {
		k.Wrapped = append([]byte(nil), k.Wrapped...)
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (m *memStore) DeleteKey(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.blobs[id]; !ok {
		return fmt.Errorf("key %s: %w", id, model.ErrNotFound)
	}
	delete(m.blobs, id)
	return nil
}

// replace overwrites a blob in place (for tamper tests).
func (m *memStore) replace(k model.KeyBlob) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.blobs[k.ID] = k
}
