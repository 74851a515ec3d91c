package portal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"sihub/verifier"
)

// batchVerifier is a concurrency-safe fake verifier: files starting with
// "%PDF-good" are valid; hook, when set, runs first (to order or block
// calls).
type batchVerifier struct {
	calls atomic.Int64
	hook  func(ctx context.Context, pdf []byte)
}

func (f *batchVerifier) Verify(ctx context.Context, pdf []byte) *verifier.Report {
	f.calls.Add(1)
	if f.hook != nil {
		f.hook(ctx, pdf)
	}
	sum := sha256.Sum256(pdf)
	rep := &verifier.Report{Valid: bytes.HasPrefix(pdf, []byte("%PDF-good")), Signatures: []verifier.SignatureReport{},
		Errors: []verifier.Problem{}, Document: verifier.DocumentReport{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(pdf))}}
	if !rep.Valid {
		rep.Errors = append(rep.Errors, verifier.Problem{Code: verifier.ReasonMalformedPDF, Message: "fake"})
	}
	return rep
}

func multipartFiles(t *testing.T, files [][]byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i, f := range files {
		fw, _ := mw.CreateFormFile("files", fmt.Sprintf("%d.pdf", i))
		fw.Write(f)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func codesBody(codes []string) io.Reader {
	b, _ := json.Marshal(map[string]any{"codes": codes})
	return bytes.NewReader(b)
}

func TestBatchCodes(t *testing.T) {
	e := newEnv(t, withStore(t))
	codes := []string{"7kq4m2-xw9pta-hc3r8f", "NOPE!!", "ZZZZZZZZZZZZZZZZZZ", otherCode, pulledCode}
	r := e.api("POST", "/api/v1/verify/batch", bankKey(), "application/json", codesBody(codes))
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-ndjson") {
		t.Fatalf("batch: %d %q\n%s", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}
	lines := ndjsonLines(t, r.Body)
	if len(lines) != len(codes) {
		t.Fatalf("%d lines for %d codes", len(lines), len(codes))
	}
	single := e.api("GET", "/api/v1/verify/"+validCode, bankKey(), "", nil)
	if want := decodeJSON(t, single.Body); fmt.Sprint(want) != fmt.Sprint(lines[0]) {
		t.Errorf("batch line differs from the single answer:\n%v\n%v", lines[0], want)
	}
	for i, want := range []string{"", "not_found", "not_found"} {
		if want == "" {
			continue
		}
		if lines[i]["input"] != codes[i] || lines[i]["error"].(map[string]any)["code"] != want {
			t.Errorf("line %d: %v", i, lines[i])
		}
	}
	if lines[3]["code"] != otherCode || lines[3]["holder_id_masked"] != "310115********0042" || lines[3]["holder_id"] != nil {
		t.Errorf("line 3: %v", lines[3])
	}
	if lines[4]["status"] != "withdrawn" {
		t.Errorf("line 4: %v", lines[4])
	}
	// Every code is in the access audit under the key, plus the single lookup.
	es := auditOf(t, e, actionVerifyAPI, "")
	if len(es) != len(codes)+1 {
		t.Fatalf("%d audit entries, want %d", len(es), len(codes)+1)
	}
	objects := map[string]int{}
	for _, a := range es {
		if a.Actor != "api:"+bankKeyID {
			t.Errorf("actor %q", a.Actor)
		}
		objects[a.Object]++
	}
	if objects[validCode] != 2 || objects[otherCode] != 1 || objects[pulledCode] != 1 || objects["ZZZZZZZZZZZZZZZZZZ"] != 1 || objects[""] != 1 {
		t.Errorf("audited objects: %v", objects)
	}
}

func TestBatchCodesCaps(t *testing.T) {
	e := newEnv(t, withStore(t))
	full := make([]string, maxBatchCodes)
	for i := range full {
		full[i] = []string{validCode, otherCode, "UNKNOWN" + fmt.Sprint(i)}[i%3]
	}
	r := e.api("POST", "/api/v1/verify/batch", bankKey(), "application/json", codesBody(full))
	if r.StatusCode != 200 {
		t.Fatalf("1000 codes: %d %s", r.StatusCode, r.Body)
	}
	lines := ndjsonLines(t, r.Body)
	if len(lines) != maxBatchCodes {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines { // request order is kept
		switch i % 3 {
		case 0:
			if l["code"] != validCode {
				t.Fatalf("line %d: %v", i, l)
			}
		case 2:
			if l["input"] != full[i] {
				t.Fatalf("line %d: %v", i, l)
			}
		}
	}
	if n := len(auditOf(t, e, actionVerifyAPI, "")); n != maxBatchCodes {
		t.Errorf("%d audit entries for %d codes", n, maxBatchCodes)
	}

	for name, c := range map[string]struct {
		key, ct string
		body    io.Reader
		status  int
		code    string
	}{
		"too many":     {bankKey(), "application/json", codesBody(append(full, validCode)), 413, "batch_too_large"},
		"empty":        {bankKey(), "application/json", codesBody(nil), 400, "bad_request"},
		"not json":     {bankKey(), "application/json", strings.NewReader("codes=1"), 400, "bad_request"},
		"huge json":    {bankKey(), "application/json", strings.NewReader(`{"codes":["` + strings.Repeat("A", maxBatchJSON) + `"]}`), 413, "too_large"},
		"content type": {bankKey(), "text/plain", strings.NewReader("x"), 400, "bad_request"},
		"no key":       {"", "application/json", codesBody([]string{validCode}), 401, "invalid_api_key"},
	} {
		r := e.api("POST", "/api/v1/verify/batch", c.key, c.ct, c.body)
		if r.StatusCode != c.status || errorCode(t, r.Body) != c.code {
			t.Errorf("%s: %d %s", name, r.StatusCode, r.Body)
		}
	}
}

func TestBatchFiles(t *testing.T) {
	fv := &batchVerifier{}
	e := newEnv(t, withStore(t), func(c *Config, d *Deps) { d.Verifier = fv; c.MaxBatchBytes = 150 << 10 })
	files := [][]byte{[]byte("%PDF-good one"), []byte("%PDF-bad two"), []byte("%PDF-good three")}
	body, ct := multipartFiles(t, files)
	r := e.api("POST", "/api/v1/verify/batch", bankKey(), ct, body)
	if r.StatusCode != 200 {
		t.Fatalf("files: %d %s", r.StatusCode, r.Body)
	}
	lines := ndjsonLines(t, r.Body)
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, f := range files {
		sum := sha256.Sum256(f)
		doc := lines[i]["document"].(map[string]any)
		if doc["sha256"] != hex.EncodeToString(sum[:]) || lines[i]["valid"] != bytes.HasPrefix(f, []byte("%PDF-good")) {
			t.Errorf("line %d: %v", i, lines[i])
		}
	}
	es := auditOf(t, e, actionVerifyAPI, "")
	if len(es) != 3 || es[0].Actor != "api:"+bankKeyID {
		t.Fatalf("audit: %+v", es)
	}

	tooMany := make([][]byte, maxBatchFiles+1)
	for i := range tooMany {
		tooMany[i] = []byte("%PDF-good")
	}
	body, ct = multipartFiles(t, tooMany)
	if r := e.api("POST", "/api/v1/verify/batch", bankKey(), ct, body); r.StatusCode != 413 || errorCode(t, r.Body) != "batch_too_large" {
		t.Errorf("101 files: %d %s", r.StatusCode, r.Body)
	}
	big := bytes.Repeat([]byte("x"), int(e.cfg.MaxUploadBytes)+1)
	body, ct = multipartFiles(t, [][]byte{[]byte("%PDF-good"), big})
	r = e.api("POST", "/api/v1/verify/batch", bankKey(), ct, body)
	if r.StatusCode != 413 || !strings.Contains(decodeJSON(t, r.Body)["error"].(map[string]any)["message"].(string), "第 2 个文件") {
		t.Errorf("oversized file: %d %s", r.StatusCode, r.Body)
	}
	atLimit := bytes.Repeat([]byte("x"), int(e.cfg.MaxUploadBytes))
	body, ct = multipartFiles(t, [][]byte{atLimit, atLimit, atLimit})
	r = e.api("POST", "/api/v1/verify/batch", bankKey(), ct, body)
	if r.StatusCode != 413 || !strings.Contains(r.Body, "批量上传的内容超过了 150 KB") {
		t.Errorf("body over the batch cap: %d %s", r.StatusCode, r.Body)
	}
	if n := fv.calls.Load(); n != 3 {
		t.Errorf("refused batches were verified: %d calls", n)
	}
}

// Results come out in request order even when a later item finishes first.
func TestBatchKeepsOrder(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two workers")
	}
	secondDone := make(chan struct{})
	fv := &batchVerifier{}
	fv.hook = func(ctx context.Context, pdf []byte) {
		switch string(pdf) {
		case "%PDF-good first":
			<-secondDone // the first waits until the second is finished
		case "%PDF-good second":
			defer close(secondDone)
		}
	}
	e := newEnv(t, withStore(t), func(_ *Config, d *Deps) { d.Verifier = fv })
	body, ct := multipartFiles(t, [][]byte{[]byte("%PDF-good first"), []byte("%PDF-good second")})
	r := e.api("POST", "/api/v1/verify/batch", bankKey(), ct, body)
	lines := ndjsonLines(t, r.Body)
	first := sha256.Sum256([]byte("%PDF-good first"))
	if len(lines) != 2 || lines[0]["document"].(map[string]any)["sha256"] != hex.EncodeToString(first[:]) {
		t.Fatalf("order: %v", lines)
	}
}

// When the client goes away the remaining files are not verified.
func TestBatchStopsWhenClientGone(t *testing.T) {
	var mu sync.Mutex
	var started, cancelled int
	fv := &batchVerifier{}
	fv.hook = func(ctx context.Context, pdf []byte) {
		mu.Lock()
		started++
		mu.Unlock()
		if string(pdf) == "%PDF-good 0" {
			return
		}
		<-ctx.Done()
		mu.Lock()
		cancelled++
		mu.Unlock()
	}
	e := newEnv(t, withStore(t), func(_ *Config, d *Deps) { d.Verifier = fv })
	files := make([][]byte, 50)
	for i := range files {
		files[i] = fmt.Appendf(nil, "%%PDF-good %d", i)
	}
	body, ct := multipartFiles(t, files)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", e.srv.URL+"/api/v1/verify/batch", body)
	req.Header.Set("Authorization", "Bearer "+bankKey())
	req.Header.Set("Content-Type", ct)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	line, err := readLine(res.Body)
	if err != nil || !strings.Contains(line, `"valid":true`) {
		t.Fatalf("first line %q: %v", line, err)
	}
	cancel()
	res.Body.Close()
	e.srv.Close() // waits for the handler to return
	mu.Lock()
	defer mu.Unlock()
	workers := runtime.GOMAXPROCS(0)
	if started > workers+1 || started >= len(files) {
		t.Errorf("%d files started after the client left (workers %d)", started, workers)
	}
	if cancelled != started-1 {
		t.Errorf("%d of %d blocked verifications saw the cancellation", cancelled, started-1)
	}
}

func readLine(r io.Reader) (string, error) {
	var b []byte
	one := make([]byte, 1)
	for {
		if _, err := r.Read(one); err != nil {
			return string(b), err
		}
		if one[0] == '\n' {
			return string(b), nil
		}
		b = append(b, one[0])
	}
}
