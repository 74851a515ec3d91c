package certs

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"sihub/model"
)

// memStore implements Store and soft.BlobStore in memory, with the
// semantics of store.Store (ErrNotFound, ErrConflict, oldest first).
type memStore struct {
	mu    sync.Mutex
	certs []model.Certificate
	seals []model.Seal
	keys  map[string]model.KeyBlob
}

func newMemStore() *memStore { return &memStore{keys: map[string]model.KeyBlob{}} }

func (m *memStore) PutCertificate(_ context.Context, c model.Certificate) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, x := range m.certs {
		if x.Serial == c.Serial {
			m.certs[i] = c
			return nil
		}
	}
	m.certs = append(m.certs, c)
	return nil
}

func (m *memStore) Certificate(_ context.Context, serial string) (model.Certificate, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, x := range m.certs {
		if x.Serial == serial {
			return x, nil
		}
	}
	return model.Certificate{}, fmt.Errorf("certificate %s: %w", serial, model.ErrNotFound)
}

func (m *memStore) ListCertificates(_ context.Context, role string) ([]model.Certificate, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []model.Certificate
	for _, x := range m.certs {
		if role == "" || x.Role == role {
			out = append(out, x)
		}
	}
	return out, nil
}

func (m *memStore) PutSeal(_ context.Context, s model.Seal) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, x := range m.seals {
		if x.ID == s.ID {
			m.seals[i] = s
			return nil
		}
	}
	m.seals = append(m.seals, s)
	return nil
}

func (m *memStore) Seal(_ context.Context, id string) (model.Seal, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, x := range m.seals {
		if x.ID == id {
			return x, nil
		}
	}
	return model.Seal{}, fmt.Errorf("seal %s: %w", id, model.ErrNotFound)
}

func (m *memStore) ListSeals(context.Context) ([]model.Seal, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]model.Seal(nil), m.seals...), nil
}

func (m *memStore) PutKey(_ context.Context, k model.KeyBlob) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.keys[k.ID]; ok {
		return fmt.Errorf("key %s: %w", k.ID, model.ErrConflict)
	}
	m.keys[k.ID] = k
	return nil
}

func (m *memStore) Key(_ context.Context, id string) (model.KeyBlob, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[id]
	if !ok {
		return model.KeyBlob{}, fmt.Errorf("key %s: %w", id, model.ErrNotFound)
	}
	return k, nil
}

func (m *memStore) ListKeys(context.Context) ([]model.KeyBlob, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []model.KeyBlob
	for _, k := range m.keys {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (m *memStore) DeleteKey(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.keys[id]; !ok {
		return fmt.Errorf("key %s: %w", id, model.ErrNotFound)
	}
	delete(m.keys, id)
	return nil
}
