package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"sihub/model"
	"sihub/store"
)

const subjectA, subjectB = "110105199003071239", "91110105MA01ABCD2X"

// putDoc stores d with its deterministic PDF.
func putDoc(t *testing.T, s store.Store, d model.Document) {
	t.Helper()
	must(t, "PutDocument "+d.Code, s.PutDocument(ctx(t), d, pdfOf(d.Code, int(d.Size))))
}

// wantDoc checks every lookup of d and its PDF.
func wantDoc(t *testing.T, s store.Store, d model.Document) {
	t.Helper()
	c := ctx(t)
	got, err := s.DocumentByCode(c, d.Code)
	must(t, "DocumentByCode "+d.Code, err)
	wantSame(t, "DocumentByCode "+d.Code, got, d)
	got, err = s.DocumentByNumber(c, d.Number)
	must(t, "DocumentByNumber "+d.Number, err)
	wantSame(t, "DocumentByNumber "+d.Number, got, d)
	if d.IdempotencyKey != "" {
		got, err = s.DocumentByIdempotencyKey(c, d.IdempotencyKey)
		must(t, "DocumentByIdempotencyKey "+d.IdempotencyKey, err)
		wantSame(t, "DocumentByIdempotencyKey "+d.IdempotencyKey, got, d)
	}
	pdf, err := s.DocumentPDF(c, d.Code)
	must(t, "DocumentPDF "+d.Code, err)
	if want := pdfOf(d.Code, int(d.Size)); !bytes.Equal(pdf, want) {
		t.Errorf("DocumentPDF %s: %d bytes differ from the %d stored", d.Code, len(pdf), len(want))
	}
}

// wantAbsent checks that nothing of the document with this code is visible.
func wantAbsent(t *testing.T, s store.Store, code string) {
	t.Helper()
	c := ctx(t)
	_, err := s.DocumentByCode(c, code)
	wantNotFound(t, "DocumentByCode "+code, err)
	_, err = s.DocumentPDF(c, code)
	wantNotFound(t, "DocumentPDF "+code, err)
}

func testDocumentRoundTrip(t *testing.T, s store.Store, _ Options) {
	d := document(subjectA, 1)
	d.IdempotencyKey = "req-7f3a"
	d.IssuedAt = d.IssuedAt.In(beijing)
	putDoc(t, s, d)
	wantDoc(t, s, d)
}

func testDocumentNotFound(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	putDoc(t, s, document(subjectA, 1)) // without an idempotency key
	_, err := s.DocumentByCode(c, "NOSUCHCODE")
	wantNotFound(t, "DocumentByCode of a missing code", err)
	_, err = s.DocumentByNumber(c, "N-none")
	wantNotFound(t, "DocumentByNumber of a missing number", err)
	_, err = s.DocumentByIdempotencyKey(c, "req-none")
	wantNotFound(t, "DocumentByIdempotencyKey of a missing key", err)
	_, err = s.DocumentByIdempotencyKey(c, "")
	wantNotFound(t, "DocumentByIdempotencyKey of the empty key", err)
	_, err = s.DocumentPDF(c, "NOSUCHCODE")
	wantNotFound(t, "DocumentPDF of a missing code", err)
	err = s.SetDocumentStatus(c, "NOSUCHCODE", model.DocWithdrawn, "错误", "")
	wantNotFound(t, "SetDocumentStatus of a missing code", err)
	docs, err := s.DocumentsBySubject(c, "nobody")
	must(t, "DocumentsBySubject of a subject without documents", err)
	if len(docs) != 0 {
		t.Errorf("DocumentsBySubject of a subject without documents = %+v", docs)
	}
}

func testDocumentConflicts(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	first := document(subjectA, 1)
	first.IdempotencyKey = "req-1"
	putDoc(t, s, first)

	sameCode := document(subjectA, 2)
	sameCode.Code = first.Code
	sameCode.IdempotencyKey = "req-2"
	err := s.PutDocument(c, sameCode, []byte("%PDF-1.7 other"))
	wantConflict(t, "PutDocument with a taken code", err)
	_, err = s.DocumentByIdempotencyKey(c, sameCode.IdempotencyKey)
	wantNotFound(t, "idempotency key of the refused document", err)

	sameNumber := document(subjectA, 3)
	sameNumber.Number = first.Number
	sameNumber.IdempotencyKey = "req-3"
	err = s.PutDocument(c, sameNumber, pdfOf(sameNumber.Code, 500))
	wantConflict(t, "PutDocument with a taken number", err)
	wantAbsent(t, s, sameNumber.Code)
	_, err = s.DocumentByIdempotencyKey(c, sameNumber.IdempotencyKey)
	wantNotFound(t, "idempotency key of the refused document", err)

	sameKey := document(subjectA, 4)
	sameKey.IdempotencyKey = first.IdempotencyKey
	err = s.PutDocument(c, sameKey, pdfOf(sameKey.Code, 500))
	wantConflict(t, "PutDocument with a taken idempotency key", err)
	wantAbsent(t, s, sameKey.Code)
	_, err = s.DocumentByNumber(c, sameKey.Number)
	wantNotFound(t, "number of the refused document", err)

	// The first document and its PDF are untouched.
	wantDoc(t, s, first)

	// The refused code, number and key stay free.
	putDoc(t, s, sameNumber2(sameNumber))
	wantDoc(t, s, sameNumber2(sameNumber))
}

// sameNumber2 is the refused document with a number of its own.
func sameNumber2(d model.Document) model.Document {
	d.Number += "-b"
	d.Size = 500
	return d
}

func testDocumentsWithoutIdempotencyKey(t *testing.T, s store.Store, _ Options) {
	for i := range 3 {
		putDoc(t, s, document(subjectA, i))
	}
	for i := range 3 {
		wantDoc(t, s, document(subjectA, i))
	}
	_, err := s.DocumentByIdempotencyKey(ctx(t), "")
	wantNotFound(t, "DocumentByIdempotencyKey of the empty key", err)
}

func testDocumentsBySubject(t *testing.T, s store.Store, _ Options) {
	for _, i := range []int{2, 3, 1} {
		putDoc(t, s, document(subjectA, i))
	}
	putDoc(t, s, document(subjectB, 5))
	docs, err := s.DocumentsBySubject(ctx(t), subjectA)
	must(t, "DocumentsBySubject", err)
	want := []model.Document{document(subjectA, 3), document(subjectA, 2), document(subjectA, 1)}
	wantSame(t, "DocumentsBySubject, newest first", docs, want)
}

func testSetDocumentStatus(t *testing.T, s store.Store, _ Options) {
	c := ctx(t)
	old, repl := document(subjectA, 1), document(subjectA, 2)
	old.IdempotencyKey = "req-1"
	putDoc(t, s, old)
	putDoc(t, s, repl)

	must(t, "SetDocumentStatus", s.SetDocumentStatus(c, old.Code, model.DocSuperseded, "信息更正后重新开具", repl.Code))
	old.Status, old.StatusReason, old.SupersededBy = model.DocSuperseded, "信息更正后重新开具", repl.Code
	wantDoc(t, s, old)
	wantDoc(t, s, repl)

	must(t, "SetDocumentStatus", s.SetDocumentStatus(c, old.Code, model.DocWithdrawn, "", ""))
	old.Status, old.StatusReason, old.SupersededBy = model.DocWithdrawn, "", ""
	wantDoc(t, s, old)
}

func testDocumentLargePDF(t *testing.T, s store.Store, _ Options) {
	d := document(subjectA, 1)
	d.Size = 5 << 20
	putDoc(t, s, d)
	wantDoc(t, s, d)
}

// testDocumentVisibility has readers chase a writer: whenever a reader sees
// a registry entry, its PDF must be there, whole.
func testDocumentVisibility(t *testing.T, s store.Store, o Options) {
	c := ctx(t)
	n := o.PerGoroutine
	docs := make([]model.Document, n)
	for i := range docs {
		docs[i] = document(subjectA, i)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	for range 2 {
		wg.Go(func() {
			for k := 0; k < n; {
				d := docs[k]
				_, err := s.DocumentByCode(c, d.Code)
				if errors.Is(err, model.ErrNotFound) {
					select {
					case <-done:
						return
					default:
						continue
					}
				}
				if err != nil {
					fail("DocumentByCode %s: %v", d.Code, err)
					return
				}
				pdf, err := s.DocumentPDF(c, d.Code)
				if err != nil {
					fail("entry %s visible but DocumentPDF: %v", d.Code, err)
					return
				}
				if !bytes.Equal(pdf, pdfOf(d.Code, int(d.Size))) {
					fail("entry %s visible with a PDF of %d bytes that differs from the stored one", d.Code, len(pdf))
					return
				}
				k++
			}
		})
	}
	for _, d := range docs {
		if err := s.PutDocument(c, d, pdfOf(d.Code, int(d.Size))); err != nil {
			fail("PutDocument %s: %v", d.Code, err)
			break
		}
	}
	close(done)
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
}

// testPutDocumentConcurrent has several writers store distinct documents at
// once (all must succeed), then race for one number (exactly one wins).
func testPutDocumentConcurrent(t *testing.T, s store.Store, o Options) {
	c := ctx(t)
	g, n := o.Goroutines, o.PerGoroutine
	subject := func(w int) string { return fmt.Sprintf("1101051990030712%02d", w) }
	errs := make(chan error, g*n)
	var wg sync.WaitGroup
	for w := range g {
		wg.Go(func() {
			for i := range n {
				d := document(subject(w), i)
				if err := s.PutDocument(c, d, pdfOf(d.Code, int(d.Size))); err != nil {
					errs <- fmt.Errorf("writer %d: PutDocument %s: %w", w, d.Code, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for w := range g {
		docs, err := s.DocumentsBySubject(c, subject(w))
		must(t, "DocumentsBySubject", err)
		if len(docs) != n {
			t.Errorf("writer %d: DocumentsBySubject = %d documents, want %d", w, len(docs), n)
		}
	}
	wantDoc(t, s, document(subject(g-1), n-1))

	// All race for one number; exactly one wins, the others see ErrConflict
	// and leave nothing behind.
	results := make([]error, g)
	racer := func(w int) model.Document {
		d := document(subject(w), n+1)
		d.Number = "N-RACE"
		return d
	}
	start := make(chan struct{})
	for w := range g {
		wg.Go(func() {
			<-start
			d := racer(w)
			results[w] = s.PutDocument(c, d, pdfOf(d.Code, int(d.Size)))
		})
	}
	close(start)
	wg.Wait()
	wins := 0
	for w, err := range results {
		switch {
		case err == nil:
			wins++
			wantDoc(t, s, racer(w))
		case errors.Is(err, model.ErrConflict):
			wantAbsent(t, s, racer(w).Code)
		default:
			t.Errorf("racer %d: PutDocument: %v, want nil or model.ErrConflict", w, err)
		}
	}
	if wins != 1 {
		t.Errorf("%d writers racing for one number: %d won, want exactly 1", g, wins)
	}
}
