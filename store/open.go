package store

import (
	"context"
	"errors"

	"sihub/store/mongo"
	"sihub/store/sqlite"
)

// DefaultMongoDatabase is the MongoDB database used when Config names none.
const DefaultMongoDatabase = "sihub"

// Config selects and configures the backend. The zero value is invalid:
// set DataDir for the embedded default, or MongoURI for MongoDB.
type Config struct {
	// DataDir is the directory of the embedded SQLite file (sihub.db),
	// used when MongoURI is empty.
	DataDir string
	// MongoURI selects MongoDB when set (e.g. from SIHUB_MONGO_URI).
	MongoURI string
	// MongoDatabase is the database name; "" means DefaultMongoDatabase.
	MongoDatabase string
}

// Backend names the backend cfg selects: "mongodb" or "sqlite".
func (cfg Config) Backend() string {
	if cfg.MongoURI != "" {
		return "mongodb"
	}
	return "sqlite"
}

// Open opens the backend cfg selects.
func Open(ctx context.Context, cfg Config) (Store, error) {
	if cfg.MongoURI != "" {
		name := cfg.MongoDatabase
		if name == "" {
			name = DefaultMongoDatabase
		}
		return mongo.Open(ctx, cfg.MongoURI, name)
	}
	if cfg.DataDir == "" {
		return nil, errors.New("store: no data directory and no MongoDB URI")
	}
	return sqlite.Open(ctx, cfg.DataDir)
}
