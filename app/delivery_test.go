package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"sihub/model"
	"sihub/signer"
	"sihub/verifier"
)

// recordingSender keeps what it is asked to send; it fails the first
// failFirst sends of each message, or every send with failAlways.
type recordingSender struct {
	mu         sync.Mutex
	sent       []model.OutboxMessage
	tries      map[string]int
	failFirst  int
	failAlways error
}

func (s *recordingSender) Send(_ context.Context, m model.OutboxMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tries == nil {
		s.tries = map[string]int{}
	}
	s.tries[m.ID]++
	if s.failAlways != nil {
		return s.failAlways
	}
	if s.tries[m.ID] <= s.failFirst {
		return errors.New("gateway busy")
	}
	s.sent = append(s.sent, m)
	return nil
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// deliveryApp opens an app on a settable clock whose demo person has a
// phone number and an email address.
func deliveryApp(t *testing.T) (*App, *settableClock) {
	t.Helper()
	clock := &settableClock{t: time.Now().UTC().Truncate(time.Second)}
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = clock.Now })
	t.Cleanup(func() { a.Close() })
	ctx := context.Background()
	p, err := a.Store.Person(ctx, DemoPersonID)
	if err != nil {
		t.Fatal(err)
	}
	p.Phone, p.Email = "13800138000", "zhang.san@example.cn"
	if err := a.Store.PutPerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	return a, clock
}

func inbox(t *testing.T, a *App, login string) []model.Message {
	t.Helper()
	ms, err := a.Store.MessagesFor(context.Background(), []string{login}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func outboxEntry(t *testing.T, a *App, event, code, channel string) model.OutboxMessage {
	t.Helper()
	m, err := a.Store.OutboxMessage(context.Background(), event+":"+code+":"+channel)
	if err != nil {
		t.Fatalf("outbox %s of %s by %s: %v", event, code, channel, err)
	}
	return m
}

// noLeak fails when text holds the holder's full ID or full name.
func noLeak(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{DemoPersonID, DemoPersonName} {
		if strings.Contains(text, s) {
			t.Errorf("%s shows %q in full: %s", what, s, text)
		}
	}
}

// TestDeliveryIssueToInboxOutboxAndSender: issuing puts a message with the
// document's link in the holder's inbox and an SMS and an email in the
// outbox, once however often the request is repeated; the dispatcher
// sends both and marks them sent.
func TestDeliveryIssueToInboxOutboxAndSender(t *testing.T) {
	a, clock := deliveryApp(t)
	ctx := context.Background()
	req := signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, IdempotencyKey: "dlv-1", Actor: DemoPersonID}
	iss, err := a.Issuer.Issue(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Issuer.Issue(ctx, req); err != nil { // the same request again
		t.Fatal(err)
	}
	code := iss.Document.Code
	ms := inbox(t, a, DemoPersonID)
	if len(ms) != 1 {
		t.Fatalf("inbox after issuing (twice, one key) = %+v", ms)
	}
	if m := ms[0]; m.Kind != EventDocumentIssued || m.Link != "/me/documents/"+code || m.ReadAt != nil ||
		!strings.Contains(m.Body, iss.Document.Number) || !strings.Contains(m.Body, model.MaskName(DemoPersonName)) {
		t.Errorf("inbox message = %+v", m)
	}
	noLeak(t, "inbox message", ms[0].Subject+ms[0].Body)
	link := a.Config.PublicURL + "/me/documents/" + code
	for _, ch := range []string{model.ChannelSMS, model.ChannelEmail} {
		m := outboxEntry(t, a, EventDocumentIssued, code, ch)
		if m.Status != model.OutboxPending || m.Attempts != 0 || m.Recipient != DemoPersonID || !strings.Contains(m.Body, link) {
			t.Errorf("%s outbox entry = %+v", ch, m)
		}
		noLeak(t, ch, m.Subject+m.Body+m.Link)
	}

	sender := &recordingSender{}
	d := NewDispatcher(a.Delivery, sender, DispatcherOptions{Now: clock.Now, Logger: quietLog()})
	res, err := d.Tick(ctx)
	if err != nil || res.Sent != 2 || res.Retried != 0 || res.Failed != 0 {
		t.Fatalf("first pass: %+v, %v", res, err)
	}
	addr := map[string]string{}
	for _, m := range sender.sent {
		addr[m.Channel] = m.Address
	}
	if addr[model.ChannelSMS] != "13800138000" || addr[model.ChannelEmail] != "zhang.san@example.cn" {
		t.Errorf("sent to %v", addr)
	}
	sms := outboxEntry(t, a, EventDocumentIssued, code, model.ChannelSMS)
	if sms.Status != model.OutboxSent || sms.Attempts != 1 || sms.SentAt == nil || !sms.SentAt.Equal(clock.Now()) {
		t.Errorf("sms after sending = %+v", sms)
	}
	clock.Set(clock.Now().Add(time.Hour))
	if res, err := d.Tick(ctx); err != nil || res.Sent != 0 || len(sender.sent) != 2 {
		t.Errorf("second pass sent again: %+v, %v (%d sends)", res, err, len(sender.sent))
	}

	// A unit's certificate reaches the unit's inbox; a unit has no phone
	// or email on record, so nothing goes to the outbox.
	u, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindUnitInsuranceCertificate, Subject: DemoUnitCode})
	if err != nil {
		t.Fatal(err)
	}
	if ms := inbox(t, a, DemoUnitCode); len(ms) != 1 || ms[0].Link != "/me/documents/"+u.Document.Code {
		t.Errorf("unit inbox = %+v", ms)
	}
	if _, err := a.Store.OutboxMessage(ctx, EventDocumentIssued+":"+u.Document.Code+":"+model.ChannelSMS); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("outbox entry for a unit: %v", err)
	}
}

// TestDeliveryRetriesWithBackoffThenFails: a failing gateway is retried
// after a doubling wait and given up after MaxAttempts; a message that
// fails once is sent on the retry.
func TestDeliveryRetriesWithBackoffThenFails(t *testing.T) {
	a, clock := deliveryApp(t)
	ctx := context.Background()
	iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID})
	if err != nil {
		t.Fatal(err)
	}
	code := iss.Document.Code
	sender := &recordingSender{failAlways: errors.New("gateway down")}
	d := NewDispatcher(a.Delivery, sender, DispatcherOptions{Now: clock.Now, Logger: quietLog(),
		MaxAttempts: 3, Backoff: time.Minute, MaxBackoff: time.Hour, Lease: 30 * time.Second})
	t0 := clock.Now()
	steps := []struct {
		at               time.Duration
		retried, failed  int
		attempts         int
		status           string
		nextAt           time.Duration
		wantNextAtChecks bool
	}{
		{0, 2, 0, 1, model.OutboxPending, time.Minute, true},
		{59 * time.Second, 0, 0, 1, model.OutboxPending, time.Minute, true}, // not yet due
		{time.Minute, 2, 0, 2, model.OutboxPending, 3 * time.Minute, true},  // waits 2 minutes now
		{3 * time.Minute, 0, 2, 3, model.OutboxFailed, 0, false},
		{time.Hour, 0, 0, 3, model.OutboxFailed, 0, false}, // failed stays failed
	}
	for i, st := range steps {
		clock.Set(t0.Add(st.at))
		res, err := d.Tick(ctx)
		if err != nil || res.Sent != 0 || res.Retried != st.retried || res.Failed != st.failed {
			t.Fatalf("step %d (+%s): %+v, %v", i, st.at, res, err)
		}
		m := outboxEntry(t, a, EventDocumentIssued, code, model.ChannelSMS)
		if m.Attempts != st.attempts || m.Status != st.status || m.LastError != "gateway down" {
			t.Errorf("step %d: %+v", i, m)
		}
		if st.wantNextAtChecks && !m.NextAttemptAt.Equal(t0.Add(st.nextAt)) {
			t.Errorf("step %d: next attempt at +%s, want +%s", i, m.NextAttemptAt.Sub(t0), st.nextAt)
		}
	}
	if got := sender.tries[EventDocumentIssued+":"+code+":"+model.ChannelSMS]; got != 3 {
		t.Errorf("sms tried %d times, want 3", got)
	}

	// Failing once, then sent.
	iss2, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindTransferVoucher, Subject: DemoPersonID})
	if err != nil {
		t.Fatal(err)
	}
	flaky := &recordingSender{failFirst: 1}
	d = NewDispatcher(a.Delivery, flaky, DispatcherOptions{Now: clock.Now, Logger: quietLog(), Backoff: time.Minute})
	if res, err := d.Tick(ctx); err != nil || res.Retried != 2 {
		t.Fatalf("flaky first pass: %+v, %v", res, err)
	}
	clock.Set(clock.Now().Add(time.Minute))
	if res, err := d.Tick(ctx); err != nil || res.Sent != 2 {
		t.Fatalf("flaky second pass: %+v, %v", res, err)
	}
	if m := outboxEntry(t, a, EventDocumentIssued, iss2.Document.Code, model.ChannelEmail); m.Status != model.OutboxSent || m.Attempts != 2 || m.LastError != "" {
		t.Errorf("email after a retry: %+v", m)
	}
}

// TestDeliveryUndeliverableIsNotRetried: a gateway's refusal for good
// fails the message at once.
func TestDeliveryUndeliverableIsNotRetried(t *testing.T) {
	a, clock := deliveryApp(t)
	ctx := context.Background()
	iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID})
	if err != nil {
		t.Fatal(err)
	}
	sender := &recordingSender{failAlways: fmt.Errorf("number not in service: %w", ErrUndeliverable)}
	d := NewDispatcher(a.Delivery, sender, DispatcherOptions{Now: clock.Now, Logger: quietLog()})
	if res, err := d.Tick(ctx); err != nil || res.Failed != 2 {
		t.Fatalf("pass: %+v, %v", res, err)
	}
	if m := outboxEntry(t, a, EventDocumentIssued, iss.Document.Code, model.ChannelSMS); m.Status != model.OutboxFailed || m.Attempts != 1 {
		t.Errorf("sms = %+v", m)
	}
}

// TestDeliveryReissueAndWithdraw: a reissue tells the holder the new
// number and the one it replaces; a withdrawal tells the reason.
func TestDeliveryReissueAndWithdraw(t *testing.T) {
	a, _ := deliveryApp(t)
	ctx := context.Background()
	first, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID})
	if err != nil {
		t.Fatal(err)
	}
	second, err := a.Issuer.Reissue(ctx, a.Store, first.Document.Code, "clerk")
	if err != nil {
		t.Fatal(err)
	}
	const reason = "参保信息有误，已更正"
	if err := a.Issuer.Withdraw(ctx, a.Store, second.Document.Code, reason, "clerk"); err != nil {
		t.Fatal(err)
	}
	ms := inbox(t, a, DemoPersonID)
	byKey := map[string]model.Message{}
	for _, m := range ms {
		byKey[m.DedupKey] = m
	}
	if len(ms) != 3 {
		t.Fatalf("inbox = %+v", ms)
	}
	re := byKey[EventDocumentIssued+":"+second.Document.Code]
	if !strings.Contains(re.Body, second.Document.Number) || !strings.Contains(re.Body, first.Document.Number) || !strings.Contains(re.Body, "重新出具") {
		t.Errorf("reissue message = %+v", re)
	}
	wd := byKey[EventDocumentWithdrawn+":"+second.Document.Code]
	if wd.Kind != EventDocumentWithdrawn || !strings.Contains(wd.Body, reason) || wd.Link != "/me/documents/"+second.Document.Code {
		t.Errorf("withdrawal message = %+v", wd)
	}
	sms := outboxEntry(t, a, EventDocumentWithdrawn, second.Document.Code, model.ChannelSMS)
	if strings.Contains(sms.Body, reason) {
		t.Errorf("the SMS carries the withdrawal reason: %s", sms.Body)
	}
	noLeak(t, "withdrawal sms", sms.Body)
}

// failingWrites is a delivery store whose message and outbox writes fail.
type failingWrites struct{ DeliveryStore }

var errWriteDown = errors.New("store write unavailable")

func (failingWrites) PutMessage(context.Context, model.Message) error      { return errWriteDown }
func (failingWrites) PutOutbox(context.Context, model.OutboxMessage) error { return errWriteDown }
func (failingWrites) UpdateOutbox(context.Context, model.OutboxMessage, int) error {
	return errWriteDown
}

// TestDeliveryReconcilesFailedNotices: when writing the notices fails, the
// document still stands; the dispatcher's next pass writes them from the
// audit trail and sends them.
func TestDeliveryReconcilesFailedNotices(t *testing.T) {
	a, clock := deliveryApp(t)
	ctx := context.Background()
	broken := &DeliveringIssuer{Service: a.Issuer.Service, Delivery: NewDelivery(failingWrites{a.Store}, a.Config.PublicURL, clock.Now, quietLog())}
	iss, err := broken.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID})
	if err != nil {
		t.Fatalf("issue with failing notices: %v", err)
	}
	if _, err := a.Store.DocumentByCode(ctx, iss.Document.Code); err != nil {
		t.Fatalf("the document should stand: %v", err)
	}
	if ms := inbox(t, a, DemoPersonID); len(ms) != 0 {
		t.Fatalf("inbox before reconciliation = %+v", ms)
	}
	sender := &recordingSender{}
	d := NewDispatcher(a.Delivery, sender, DispatcherOptions{Now: clock.Now, Logger: quietLog()})
	res, err := d.Tick(ctx)
	if err != nil || res.Reconciled != 1 || res.Sent != 2 {
		t.Fatalf("reconciling pass: %+v, %v", res, err)
	}
	if ms := inbox(t, a, DemoPersonID); len(ms) != 1 || ms[0].DedupKey != EventDocumentIssued+":"+iss.Document.Code {
		t.Errorf("inbox after reconciliation = %+v", ms)
	}
	// The next pass finds nothing new to send.
	if res, err := d.Tick(ctx); err != nil || res.Sent != 0 {
		t.Errorf("next pass: %+v, %v", res, err)
	}
}

// TestDeliveryDispatchersShareTheOutbox: two dispatchers passing at once
// send each message once.
func TestDeliveryDispatchersShareTheOutbox(t *testing.T) {
	a, clock := deliveryApp(t)
	ctx := context.Background()
	for range 3 {
		if _, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID}); err != nil {
			t.Fatal(err)
		}
	}
	sender := &recordingSender{}
	var wg sync.WaitGroup
	for range 2 {
		d := NewDispatcher(a.Delivery, sender, DispatcherOptions{Now: clock.Now, Logger: quietLog()})
		wg.Go(func() {
			if _, err := d.Tick(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(sender.sent) != 6 {
		t.Errorf("sent %d messages, want 6", len(sender.sent))
	}
	for id, n := range sender.tries {
		if n != 1 {
			t.Errorf("%s sent %d times", id, n)
		}
	}
}

// TestVerificationWindowEndToEnd: an issued certificate verifies within
// its window; past its VerifyUntil the registry reports it expired while
// its seal still verifies.
func TestVerificationWindowEndToEnd(t *testing.T) {
	a, clock := deliveryApp(t)
	ctx := context.Background()
	iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID, Algorithms: []string{"sm2"}})
	if err != nil {
		t.Fatal(err)
	}
	doc := iss.Document
	if doc.VerifyUntil.IsZero() {
		t.Fatal("an issued document has no verification window")
	}
	if r := a.Verifier.Verify(ctx, iss.PDF); !r.Valid || r.Document.RegistryStatus != verifier.RegistryValid {
		t.Fatalf("fresh document: valid=%v status=%s %+v", r.Valid, r.Document.RegistryStatus, r.Errors)
	}
	clock.Set(verifier.VerifyWindowEnd(doc).Add(time.Hour))
	r := a.Verifier.Verify(ctx, iss.PDF)
	if r.Valid || r.Document.RegistryStatus != verifier.RegistryExpired || !r.HasReason(verifier.ReasonDocumentExpired) {
		t.Fatalf("past the window: valid=%v status=%s %+v", r.Valid, r.Document.RegistryStatus, r.Errors)
	}
	for _, s := range r.Signatures {
		if !s.IntegrityValid || !s.ChainTrusted {
			t.Errorf("the seal should still verify past the window: %+v", s)
		}
	}
}

func TestMaskAddress(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000":          "138****8000",
		"zhang.san@example.cn": "z***@example.cn",
		"王@example.cn":         "王***@example.cn",
		"12345":                "*****",
		"":                     "",
	} {
		if got := MaskAddress(in); got != want {
			t.Errorf("MaskAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDeliveryReconcilesInPages: the reconciliation reads the audit trail
// a page per pass and continues where it stopped.
func TestDeliveryReconcilesInPages(t *testing.T) {
	a, clock := deliveryApp(t)
	ctx := context.Background()
	broken := &DeliveringIssuer{Service: a.Issuer.Service, Delivery: NewDelivery(failingWrites{a.Store}, a.Config.PublicURL, clock.Now, quietLog())}
	for range 3 {
		clock.Set(clock.Now().Add(time.Second))
		if _, err := broken.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID}); err != nil {
			t.Fatal(err)
		}
	}
	d := NewDispatcher(a.Delivery, &recordingSender{}, DispatcherOptions{Now: clock.Now, Logger: quietLog(), ReconcileBatch: 2})
	for i, want := range []int{2, 3, 3} {
		if _, err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if got := len(inbox(t, a, DemoPersonID)); got != want {
			t.Errorf("after pass %d: %d messages, want %d", i+1, got, want)
		}
	}
}

// signalSender reports each send on a channel.
type signalSender chan model.OutboxMessage

func (s signalSender) Send(_ context.Context, m model.OutboxMessage) error { s <- m; return nil }

// TestRunDeliveryUsesTheConfiguredSender: the dispatcher sihub serve
// starts sends through Options.Sender from its first pass, and stops with
// its context.
func TestRunDeliveryUsesTheConfiguredSender(t *testing.T) {
	cfg := Defaults()
	cfg.DataDir = t.TempDir()
	sent := make(signalSender, 4)
	a, err := Open(context.Background(), cfg, Options{Logger: quietLog(), Sender: sent})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	p, err := a.Store.Person(ctx, DemoPersonID)
	if err != nil {
		t.Fatal(err)
	}
	p.Phone = "13800138000"
	if err := a.Store.PutPerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindInsuranceCertificate, Subject: DemoPersonID})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { a.RunDelivery(ctx, time.Hour); close(done) }()
	m := <-sent
	cancel()
	<-done
	if m.ID != EventDocumentIssued+":"+iss.Document.Code+":"+model.ChannelSMS {
		t.Errorf("sent %+v", m)
	}
}

// TestLogSenderMasksTheAddress: the default sender records the message
// with the address and the recipient masked, and reports it delivered.
func TestLogSenderMasksTheAddress(t *testing.T) {
	var buf strings.Builder
	s := LogSender{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	m := model.OutboxMessage{ID: "document.issued:X:sms", Channel: model.ChannelSMS, Recipient: DemoPersonID,
		Address: "13800138000", Link: "http://127.0.0.1:8080/me/documents/X"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "138****8000") || !strings.Contains(out, m.ID) || !strings.Contains(out, m.Link) {
		t.Errorf("log line lacks the masked address, the id or the link: %s", out)
	}
	for _, leak := range []string{"13800138000", DemoPersonID} {
		if strings.Contains(out, leak) {
			t.Errorf("log line shows %q: %s", leak, out)
		}
	}
}
