package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sihub/model"
)

// documentRecord is a registry entry as stored: the document plus the
// field that makes idempotency keys unique without a sparse index.
type documentRecord struct {
	model.Document `bson:",inline"`
	Idem           string `bson:"idem"`
}

// idemKey is the stored value of the unique "idem" field. The prefixes keep
// a key from ever equalling the stand-in of a document without one.
func idemKey(key string) string { return "k:" + key }

func idemOf(d model.Document) string {
	if d.IdempotencyKey == "" {
		return "c:" + d.Code
	}
	return idemKey(d.IdempotencyKey)
}

// pdfRecord is a stored PDF.
type pdfRecord struct {
	Code string `bson:"_id"`
	Data []byte `bson:"data"`
}

// cleanupTimeout bounds the removal of a PDF whose entry was refused.
const cleanupTimeout = 10 * time.Second

// PutDocument stores the PDF, then the registry entry. ErrConflict if the
// code, the number or the idempotency key is taken; the PDF is removed
// again when the entry is refused.
func (s *Store) PutDocument(ctx context.Context, d model.Document, pdf []byte) error {
	if d.Code == "" || d.Number == "" {
		return invalid("document without code or number")
	}
	if len(pdf) > MaxPDFSize {
		return fmt.Errorf("store/mongo: document %s: %w (%d bytes)", d.Code, ErrPDFTooLarge, len(pdf))
	}
	if pdf == nil {
		pdf = []byte{}
	}
	if _, err := s.pdfs.InsertOne(ctx, pdfRecord{Code: d.Code, Data: pdf}); err != nil {
		return wrap(err, "document %s: pdf", d.Code)
	}
	_, err := s.documents.InsertOne(ctx, documentRecord{Document: d, Idem: idemOf(d)})
	if err == nil {
		return nil
	}
	s.removeOrphanPDF(ctx, d, err)
	return wrap(err, "document %s (number %s)", d.Code, d.Number)
}

// removeOrphanPDF deletes the PDF of a refused entry. When the insert
// failed for another reason than a duplicate key (a lost connection), the
// entry may have been stored all the same: the PDF is then removed only if
// the entry is verifiably absent. A PDF left behind is invisible.
func (s *Store) removeOrphanPDF(ctx context.Context, d model.Document, insertErr error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if !mongodrv.IsDuplicateKeyError(insertErr) {
		err := s.documents.FindOne(ctx, byID(d.Code)).Err()
		if !errors.Is(err, mongodrv.ErrNoDocuments) {
			return
		}
	}
	s.pdfs.DeleteOne(ctx, byID(d.Code))
}

func (s *Store) documentBy(ctx context.Context, filter bson.D, what string) (model.Document, error) {
	rec, err := findOne[documentRecord](ctx, s.documents, filter, what)
	return rec.Document, err
}

// DocumentByCode returns the registry entry with the given code.
func (s *Store) DocumentByCode(ctx context.Context, code string) (model.Document, error) {
	return s.documentBy(ctx, byID(code), "document "+code)
}

// DocumentByNumber returns the registry entry with the given number.
func (s *Store) DocumentByNumber(ctx context.Context, number string) (model.Document, error) {
	return s.documentBy(ctx, bson.D{{Key: "number", Value: number}}, "document number "+number)
}

// DocumentByIdempotencyKey returns the document issued under key.
func (s *Store) DocumentByIdempotencyKey(ctx context.Context, key string) (model.Document, error) {
	what := "document with idempotency key " + key
	if key == "" {
		return model.Document{}, fmt.Errorf("store/mongo: %s: %w", what, model.ErrNotFound)
	}
	return s.documentBy(ctx, bson.D{{Key: "idem", Value: idemKey(key)}}, what)
}

// DocumentPDF returns the stored PDF of a registered document.
func (s *Store) DocumentPDF(ctx context.Context, code string) ([]byte, error) {
	err := s.documents.FindOne(ctx, byID(code),
		options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if err != nil {
		return nil, wrap(err, "document %s", code)
	}
	rec, err := findOne[pdfRecord](ctx, s.pdfs, byID(code), "document "+code+": pdf")
	if err != nil {
		return nil, err
	}
	if rec.Data == nil {
		rec.Data = []byte{}
	}
	return rec.Data, nil
}

// DocumentsBySubject lists a subject's documents, newest first.
func (s *Store) DocumentsBySubject(ctx context.Context, subject string) ([]model.Document, error) {
	recs, err := findAll[documentRecord](ctx, s.documents, bson.D{{Key: "subject", Value: subject}},
		options.Find().SetSort(bson.D{{Key: "issued_at", Value: -1}, {Key: "_id", Value: 1}}),
		"documents of "+subject)
	if err != nil {
		return nil, err
	}
	docs := make([]model.Document, len(recs))
	for i, r := range recs {
		docs[i] = r.Document
	}
	return docs, nil
}

// SetDocumentStatus changes status, reason and superseded-by of a document.
func (s *Store) SetDocumentStatus(ctx context.Context, code string, status model.DocumentStatus, reason, supersededBy string) error {
	res, err := s.documents.UpdateOne(ctx, byID(code), bson.D{{Key: "$set", Value: bson.D{
		{Key: "status", Value: string(status)},
		{Key: "status_reason", Value: reason},
		{Key: "superseded_by", Value: supersededBy},
	}}})
	if err != nil {
		return wrap(err, "document %s: set status", code)
	}
	if res.MatchedCount == 0 {
		return wrapNotFound("document %s: set status", code)
	}
	return nil
}
