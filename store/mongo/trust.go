package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sihub/model"
)

// PutSeal inserts or replaces a seal by ID (with a new revision).
func (s *Store) PutSeal(ctx context.Context, se model.Seal) error {
	if se.ID == "" {
		return invalid("seal without id")
	}
	return upsert(ctx, s.seals, byID(se.ID), sealRecord{Seal: se, Rev: newID()}, "put seal "+se.ID)
}

// Seal returns the seal with the given ID.
func (s *Store) Seal(ctx context.Context, id string) (model.Seal, error) {
	return findOne[model.Seal](ctx, s.seals, byID(id), "seal "+id)
}

// ListSeals lists every seal ordered by ID.
func (s *Store) ListSeals(ctx context.Context) ([]model.Seal, error) {
	return findAll[model.Seal](ctx, s.seals, bson.D{},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}), "list seals")
}

// PutCertificate inserts or replaces a certificate by serial.
func (s *Store) PutCertificate(ctx context.Context, c model.Certificate) error {
	if c.Serial == "" {
		return invalid("certificate without serial")
	}
	return upsert(ctx, s.certificates, byID(c.Serial), c, "put certificate "+c.Serial)
}

// Certificate returns the certificate with the given serial.
func (s *Store) Certificate(ctx context.Context, serial string) (model.Certificate, error) {
	return findOne[model.Certificate](ctx, s.certificates, byID(serial), "certificate "+serial)
}

// ListCertificates lists certificates of a role ("" for all), oldest
// (earliest NotBefore) first, ties by serial.
func (s *Store) ListCertificates(ctx context.Context, role string) ([]model.Certificate, error) {
	filter := bson.D{}
	if role != "" {
		filter = bson.D{{Key: "role", Value: role}}
	}
	return findAll[model.Certificate](ctx, s.certificates, filter,
		options.Find().SetSort(bson.D{{Key: "not_before", Value: 1}, {Key: "_id", Value: 1}}),
		"list certificates")
}

// PutKey stores a wrapped key. Keys are never replaced: an existing ID is
// model.ErrConflict.
func (s *Store) PutKey(ctx context.Context, k model.KeyBlob) error {
	if k.ID == "" {
		return invalid("key without id")
	}
	_, err := s.keys.InsertOne(ctx, k)
	return wrap(err, "put key %s", k.ID)
}

// Key returns the wrapped key with the given ID.
func (s *Store) Key(ctx context.Context, id string) (model.KeyBlob, error) {
	return findOne[model.KeyBlob](ctx, s.keys, byID(id), "key "+id)
}

// ListKeys lists every wrapped key ordered by ID.
func (s *Store) ListKeys(ctx context.Context) ([]model.KeyBlob, error) {
	return findAll[model.KeyBlob](ctx, s.keys, bson.D{},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}), "list keys")
}

// DeleteKey removes a wrapped key; a missing ID is model.ErrNotFound.
func (s *Store) DeleteKey(ctx context.Context, id string) error {
	res, err := s.keys.DeleteOne(ctx, byID(id))
	if err != nil {
		return wrap(err, "delete key %s", id)
	}
	if res.DeletedCount == 0 {
		return wrapNotFound("delete key %s", id)
	}
	return nil
}

// PutAccount inserts or replaces an account by login.
func (s *Store) PutAccount(ctx context.Context, a model.Account) error {
	if a.Login == "" {
		return invalid("account without login")
	}
	return upsert(ctx, s.accounts, byID(a.Login), a, "put account "+a.Login)
}

// Account returns the account with the given login.
func (s *Store) Account(ctx context.Context, login string) (model.Account, error) {
	return findOne[model.Account](ctx, s.accounts, byID(login), "account "+login)
}

// PutAPIKey inserts or replaces an API key by ID.
func (s *Store) PutAPIKey(ctx context.Context, k model.APIKey) error {
	if k.ID == "" {
		return invalid("api key without id")
	}
	return upsert(ctx, s.apikeys, byID(k.ID), k, "put api key "+k.ID)
}

// APIKey returns the API key with the given ID.
func (s *Store) APIKey(ctx context.Context, id string) (model.APIKey, error) {
	return findOne[model.APIKey](ctx, s.apikeys, byID(id), "api key "+id)
}
