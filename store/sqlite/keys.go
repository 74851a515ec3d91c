package sqlite

import (
	"context"

	"sihub/model"
)

// PutKey stores a wrapped key. Keys are never replaced: an existing ID is
// model.ErrConflict.
func (s *Store) PutKey(ctx context.Context, k model.KeyBlob) error {
	if k.ID == "" {
		return invalid("key without id")
	}
	return execJSON(ctx, s.st.insertKey, "put key "+k.ID, k, k.ID)
}

// Key returns the wrapped key with the given ID.
func (s *Store) Key(ctx context.Context, id string) (model.KeyBlob, error) {
	return getJSON[model.KeyBlob](ctx, s.st.key, "key "+id, id)
}

// ListKeys lists every wrapped key ordered by ID.
func (s *Store) ListKeys(ctx context.Context) ([]model.KeyBlob, error) {
	return listJSON[model.KeyBlob](ctx, s.st.listKeys, "list keys")
}

// DeleteKey removes a wrapped key; a missing ID is model.ErrNotFound.
func (s *Store) DeleteKey(ctx context.Context, id string) error {
	res, err := s.st.deleteKey.ExecContext(ctx, id)
	if err != nil {
		return wrap(err, "delete key %s", id)
	}
	return requireRow(res, "delete key %s", id)
}
