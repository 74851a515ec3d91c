package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"sihub/model"
)

// The secrets (password and API key hashes) are not part of the records'
// JSON form (json:"-"), so they live in their own columns.

// PutAccount inserts or replaces an account by login.
func (s *Store) PutAccount(ctx context.Context, a model.Account) error {
	if a.Login == "" {
		return invalid("account without login")
	}
	return execJSON(ctx, s.st.putAccount, "put account "+a.Login, a, a.Login, a.PasswordHash)
}

// Account returns the account with the given login.
func (s *Store) Account(ctx context.Context, login string) (model.Account, error) {
	var a model.Account
	var hash string
	var data []byte
	if err := s.st.account.QueryRowContext(ctx, login).Scan(&hash, &data); err != nil {
		return a, wrap(err, "account %s", login)
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return a, fmt.Errorf("store/sqlite: account %s: decode: %w", login, err)
	}
	a.PasswordHash = hash
	return a, nil
}

// PutAPIKey inserts or replaces an API key by ID.
func (s *Store) PutAPIKey(ctx context.Context, k model.APIKey) error {
	if k.ID == "" {
		return invalid("api key without id")
	}
	return execJSON(ctx, s.st.putAPIKey, "put api key "+k.ID, k, k.ID, k.SecretHash)
}

// APIKey returns the API key with the given ID.
func (s *Store) APIKey(ctx context.Context, id string) (model.APIKey, error) {
	var k model.APIKey
	var hash string
	var data []byte
	if err := s.st.apiKey.QueryRowContext(ctx, id).Scan(&hash, &data); err != nil {
		return k, wrap(err, "api key %s", id)
	}
	if err := json.Unmarshal(data, &k); err != nil {
		return k, fmt.Errorf("store/sqlite: api key %s: decode: %w", id, err)
	}
	k.SecretHash = hash
	return k, nil
}
