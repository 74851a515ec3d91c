package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime"
	"sync"
	"time"

	"sihub/model"
)

// Batch caps.
const (
	maxBatchCodes = 1000
	maxBatchFiles = 100
	// maxBatchJSON caps a JSON batch body: 1,000 codes and as many consent
	// tokens fit well below it.
	maxBatchJSON = 1 << 20
	// batchLineTimeout is how long writing one NDJSON line may take.
	batchLineTimeout = time.Minute
)

// batchRequest is the JSON body of POST /api/v1/verify/batch.
type batchRequest struct {
	Codes []string `json:"codes"`
	// Consents maps a code (as in Codes) to a consent token for it.
	Consents map[string]string `json:"consents,omitempty"`
}

// batchError is the NDJSON line of an item that has no result: the body of
// the single endpoint's error plus the item as sent.
type batchError struct {
	Input string            `json:"input"`
	Error map[string]string `json:"error"`
}

// handleAPIBatch verifies up to maxBatchCodes codes (JSON {"codes": […]})
// or up to maxBatchFiles PDFs (multipart field "files") for an institution
// with the "verify:bulk" scope ("verify:pdf" too for PDFs). The answer is
// NDJSON: one line per item in request order, each flushed as soon as it
// and every item before it are done; a code line is the object of GET
// /api/v1/verify/{code} (or {"input","error"}), a PDF line the verifier's
// report. Every item counts against the key's quota and is audited.
func (s *server) handleAPIBatch(w http.ResponseWriter, r *http.Request) error {
	defer cleanupMultipart(r)
	cl, err := s.authenticateKey(r)
	if err != nil {
		return err
	}
	if cl == nil {
		return userErr(ErrAPIKey, "批量验证需要 API 密钥。", nil)
	}
	if err := cl.require(ScopeVerifyBulk); err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		return s.batchCodes(w, r, cl)
	case "multipart/form-data":
		if err := cl.require(ScopeVerifyPDF); err != nil {
			return err
		}
		return s.batchFiles(w, r, cl)
	}
	return userErr(ErrBadRequest, "请以 application/json（codes）或 multipart/form-data（files）提交。", nil)
}

func (s *server) batchCodes(w http.ResponseWriter, r *http.Request, cl *apiClient) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBatchJSON+1))
	if err != nil {
		return batchBodyErr(err, s.cfg.MaxBatchBytes)
	}
	if len(body) > maxBatchJSON {
		return userErr(ErrTooLarge, fmt.Sprintf("JSON 请求体超过了 %s 的上限。", humanBytes(maxBatchJSON)), nil)
	}
	var req batchRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return userErr(ErrBadRequest, "请求体不是有效的 JSON：应为 {\"codes\": [\"…\"]}。", err)
	}
	if len(req.Codes) == 0 {
		return userErr(ErrBadRequest, "codes 不能为空。", nil)
	}
	if len(req.Codes) > maxBatchCodes || len(req.Consents) > maxBatchCodes {
		return ErrBatchTooLarge
	}
	if err := s.chargeKey(cl.KeyID, len(req.Codes)); err != nil {
		return err
	}
	consents := make(map[string]string, len(req.Consents))
	for c, tok := range req.Consents {
		consents[NormalizeCode(c)] = tok
	}
	rid := requestID(r.Context())
	s.streamNDJSON(w, r, len(req.Codes), func(ctx context.Context, i int) any {
		raw := req.Codes[i]
		tok := ""
		if c := NormalizeCode(raw); c != "" {
			tok = consents[c]
		}
		st, err := s.lookupStatus(r.WithContext(ctx), cl, raw, "", tok, "api_batch")
		if err != nil {
			if !errors.Is(err, model.ErrNotFound) {
				s.log.ErrorContext(ctx, "batch lookup failed", "request_id", rid, "err", err)
			}
			p := s.classify(err)
			return batchError{Input: raw, Error: map[string]string{"code": p.Code, "message": p.Message, "request_id": rid}}
		}
		return st
	})
	return nil
}

func (s *server) batchFiles(w http.ResponseWriter, r *http.Request, cl *apiClient) error {
	if s.deps.Verifier == nil {
		return ErrUnavailable
	}
	if r.ContentLength > s.cfg.MaxBatchBytes+multipartOverhead {
		return batchBodyErr(ErrTooLarge, s.cfg.MaxBatchBytes)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return userErr(ErrBadRequest, "请以 multipart/form-data 提交，文件字段名为 files。", err)
	}
	var files [][]byte
	var total int64
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return batchBodyErr(err, s.cfg.MaxBatchBytes)
		}
		if part.FormName() != "files" {
			_, _ = io.Copy(io.Discard, io.LimitReader(part, multipartOverhead))
			continue
		}
		if len(files) == maxBatchFiles {
			return ErrBatchTooLarge
		}
		pdf, err := io.ReadAll(io.LimitReader(part, s.cfg.MaxUploadBytes+1))
		if err != nil {
			return batchBodyErr(err, s.cfg.MaxBatchBytes)
		}
		if int64(len(pdf)) > s.cfg.MaxUploadBytes {
			return userErr(ErrTooLarge, fmt.Sprintf("第 %d 个文件超过了单个文件 %s 的上限。",
				len(files)+1, humanBytes(s.cfg.MaxUploadBytes)), nil)
		}
		if total += int64(len(pdf)); total > s.cfg.MaxBatchBytes {
			return batchBodyErr(ErrTooLarge, s.cfg.MaxBatchBytes)
		}
		files = append(files, pdf)
	}
	if len(files) == 0 {
		return userErr(ErrBadRequest, "请在 files 字段中上传至少一个 PDF 文件。", nil)
	}
	if err := s.chargeKey(cl.KeyID, len(files)); err != nil {
		return err
	}
	s.streamNDJSON(w, r, len(files), func(ctx context.Context, i int) any {
		rep := s.deps.Verifier.Verify(ctx, files[i])
		s.recordVerification(r, "api_batch_pdf", cl, rep)
		return rep
	})
	return nil
}

// batchBodyErr explains a body that could not be read: too large, or broken.
func batchBodyErr(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || errors.Is(err, ErrTooLarge) {
		return userErr(ErrTooLarge, fmt.Sprintf("批量上传的内容超过了 %s 的上限。", humanBytes(limit)), err)
	}
	return userErr(ErrBadRequest, "请求体无法读取。", err)
}

// streamNDJSON runs work for items 0…n-1 on at most GOMAXPROCS workers and
// writes each result as one JSON line in item order, flushing after each.
// When the client goes away (a write fails or the request context ends)
// the remaining items are not started.
func (s *server) streamNDJSON(w http.ResponseWriter, r *http.Request, n int, work func(ctx context.Context, i int) any) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	results := make([]chan any, n)
	for i := range results {
		results[i] = make(chan any, 1)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if ctx.Err() != nil {
					continue // the client is gone: start nothing new
				}
				results[i] <- work(ctx, i)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range n {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer wg.Wait()

	w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	for i := range n {
		select {
		case v := <-results[i]:
			// A long batch must not hit the server's write timeout while
			// lines keep coming; the deadline is network time, not the
			// portal's clock.
			_ = rc.SetWriteDeadline(time.Now().Add(batchLineTimeout))
			if err := enc.Encode(v); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}
