// Package mongo is sihub's MongoDB store, the deployment target (a replica
// set, sharded when one is not enough). It implements store.Store through
// the official driver and passes the conformance suite in store/storetest,
// against MongoDB and against FerretDB v1.24 (the MongoDB-wire server that
// can be embedded in tests).
//
// It relies on nothing but single-document atomicity and unique indexes —
// no transactions — so it stays correct on servers that lack them:
//
//   - PutDocument inserts the PDF (collection pdfs) first and the registry
//     entry (documents) second; a code therefore never resolves to a missing
//     PDF. If the entry is refused, the PDF is deleted again; a PDF whose
//     entry never arrived is invisible (DocumentPDF requires the entry).
//   - AllocateNumber increments a counter ($inc, upsert) and then claims
//     the number by inserting series:n into collection numbers, whose _id is
//     unique; a duplicate (a lost update on the counter, as FerretDB v1.24
//     loses concurrent $inc) makes it try the next number. Two callers never
//     get the same number, in any process.
//   - UpdateSeal (a compare-and-set on the seal's status) claims the
//     transition by inserting seal id and the stored revision into
//     collection seal_claims (unique _id), then replaces the seal with a
//     new revision, filtered on the old one: of several callers moving a
//     seal out of one revision, exactly one claims it, even on servers that
//     lose concurrent updates.
//   - The optional idempotency key is unique through a field that every
//     entry has ("k:"+key, or "c:"+code when there is no key), so no sparse
//     or partial index is needed.
//
// PDFs are stored as binary inside one document each and are capped at
// MaxPDFSize (a BSON document holds at most 16 MiB).
//
// Errors: a missing record is model.ErrNotFound, a taken unique key is
// model.ErrConflict, a record without its key is ErrInvalid, an oversized
// PDF is ErrPDFTooLarge; all are wrapped with "store/mongo: …" context.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// MaxPDFSize is the largest PDF PutDocument stores (15 MiB).
const MaxPDFSize = 15 << 20

var (
	// ErrInvalid: a record lacks its key (an empty ID, code or number).
	ErrInvalid = errors.New("store/mongo: invalid record")
	// ErrPDFTooLarge: the PDF exceeds MaxPDFSize.
	ErrPDFTooLarge = errors.New("store/mongo: PDF larger than 15 MiB")
)

// Collection names.
const (
	colPersons       = "persons"
	colUnits         = "units"
	colInsurances    = "insurances"
	colContributions = "contributions"
	colDocuments     = "documents"
	colPDFs          = "pdfs"
	colSeals         = "seals"
	colCertificates  = "certificates"
	colKeys          = "keys"
	colAccounts      = "accounts"
	colAPIKeys       = "apikeys"
	colCounters      = "counters"
	colNumbers       = "numbers"
	colAudit         = "audit"
	colSealClaims    = "seal_claims"
	colMessages      = "messages"
)

// Store is the MongoDB backend. It is safe for concurrent use.
type Store struct {
	client *mongodrv.Client
	db     *mongodrv.Database

	persons, units, insurances, contributions *mongodrv.Collection
	documents, pdfs                           *mongodrv.Collection
	seals, certificates, keys                 *mongodrv.Collection
	accounts, apikeys                         *mongodrv.Collection
	counters, numbers, audit                  *mongodrv.Collection
	sealClaims, messages                      *mongodrv.Collection

	closeOnce sync.Once
	closeErr  error
}

// Open connects to the server at uri, checks it answers, and creates the
// indexes of database dbName.
func Open(ctx context.Context, uri, dbName string) (*Store, error) {
	if dbName == "" {
		return nil, errors.New("store/mongo: empty database name")
	}
	client, err := mongodrv.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return nil, fmt.Errorf("store/mongo: connect: %w", err)
	}
	if err := client.Ping(ctx, readpref.Primary()); err != nil {
		client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("store/mongo: ping: %w", err)
	}
	db := client.Database(dbName)
	s := &Store{
		client:        client,
		db:            db,
		persons:       db.Collection(colPersons),
		units:         db.Collection(colUnits),
		insurances:    db.Collection(colInsurances),
		contributions: db.Collection(colContributions),
		documents:     db.Collection(colDocuments),
		pdfs:          db.Collection(colPDFs),
		seals:         db.Collection(colSeals),
		certificates:  db.Collection(colCertificates),
		keys:          db.Collection(colKeys),
		accounts:      db.Collection(colAccounts),
		apikeys:       db.Collection(colAPIKeys),
		counters:      db.Collection(colCounters),
		numbers:       db.Collection(colNumbers),
		audit:         db.Collection(colAudit),
		sealClaims:    db.Collection(colSealClaims),
		messages:      db.Collection(colMessages),
	}
	if err := s.createIndexes(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// index is one index to create at Open.
type index struct {
	col    *mongodrv.Collection
	name   string
	keys   bson.D
	unique bool
}

func (s *Store) createIndexes(ctx context.Context) error {
	for _, ix := range append([]index{
		{s.insurances, "person_type", bson.D{{Key: "person_id", Value: 1}, {Key: "type", Value: 1}}, true},
		{s.contributions, "person_month_type", bson.D{{Key: "person_id", Value: 1}, {Key: "month", Value: 1}, {Key: "type", Value: 1}}, true},
		{s.documents, "number", bson.D{{Key: "number", Value: 1}}, true},
		{s.documents, "idem", bson.D{{Key: "idem", Value: 1}}, true},
		{s.documents, "subject_issued", bson.D{{Key: "subject", Value: 1}, {Key: "issued_at", Value: -1}}, false},
		{s.certificates, "role_not_before", bson.D{{Key: "role", Value: 1}, {Key: "not_before", Value: 1}}, false},
		{s.certificates, "not_before", bson.D{{Key: "not_before", Value: 1}}, false},
		{s.audit, "time", bson.D{{Key: "time", Value: 1}}, false},
		{s.audit, "action_time", bson.D{{Key: "action", Value: 1}, {Key: "time", Value: 1}}, false},
		{s.audit, "object_time", bson.D{{Key: "object", Value: 1}, {Key: "time", Value: 1}}, false},
		{s.messages, "dedup", bson.D{{Key: "dedup", Value: 1}}, true},
		{s.messages, "recipient_created", bson.D{{Key: "recipient", Value: 1}, {Key: "created_at", Value: -1}}, false},
	}, append(append(s.issuanceIndexes(), s.jobIndexes()...), s.outboxIndexes()...)...) {
		_, err := ix.col.Indexes().CreateOne(ctx, mongodrv.IndexModel{
			Keys:    ix.keys,
			Options: options.Index().SetName(ix.name).SetUnique(ix.unique),
		})
		if err != nil {
			return fmt.Errorf("store/mongo: create index %s.%s: %w", ix.col.Name(), ix.name, err)
		}
	}
	return nil
}

// Database is the database the store uses.
func (s *Store) Database() *mongodrv.Database { return s.db }

// Close disconnects from the server. It may be called more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.client.Disconnect(ctx); err != nil {
			s.closeErr = fmt.Errorf("store/mongo: close: %w", err)
		}
	})
	return s.closeErr
}

// Ping checks that the primary answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("store/mongo: ping: %w", err)
	}
	return nil
}
