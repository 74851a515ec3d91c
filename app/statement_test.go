package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sihub/internal/testutil"
	"sihub/signer"
)

// TestIssueRightsStatement issues the demo person's yearly statement in
// both languages, verifies it and reads its text back.
func TestIssueRightsStatement(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	a := testApp(t, t.TempDir(), func(c *Config) { c.Now = func() time.Time { return now } })
	defer a.Close()
	ctx := context.Background()

	iss, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindRightsRecord, Subject: DemoPersonID, Year: 2025, Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(iss.Document.Number, "QYJL-2026-") || iss.Document.Kind != signer.KindRightsRecord {
		t.Errorf("document %s of kind %s", iss.Document.Number, iss.Document.Kind)
	}
	if r := a.Verifier.Verify(ctx, iss.PDF); !r.Valid {
		t.Fatalf("fresh statement not valid: %+v", r.Errors)
	}

	file := testutil.WriteFile(t, t.TempDir(), "statement.pdf", iss.PDF)
	txt, err := testutil.Run(t, "pdftotext", "-layout", file, "-")
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Count(strings.TrimRight(txt, "\f"), "\f") + 1
	if pages < 3 {
		t.Errorf("a statement of thirteen years and their months on %d pages", pages)
	}
	want := []string{"社会保险个人权益记录单", "基本养老保险个人账户", "年末累计", "2025年度逐月缴费明细", DemoPersonName,
		"第 1 页，共 ", "第 " + strconv.Itoa(pages) + " 页，共 " + strconv.Itoa(pages) + " 页"}
	for m := 1; m <= 12; m++ { // the year's months
		want = append(want, fmt.Sprintf("2025-%02d", m))
	}
	for _, w := range want {
		if !strings.Contains(txt, w) {
			t.Errorf("statement text lacks %q", w)
		}
	}
	for y := 2013; y <= 2025; y++ { // a row per year of the account
		if !regexp.MustCompile(`(?m)^ *` + strconv.Itoa(y) + ` +` + strconv.Itoa(y) + `\d\d-` + strconv.Itoa(y) + `\d\d +\d+\s+\d+\.\d\d`).MatchString(txt) {
			t.Errorf("no account row for %d", y)
		}
	}
	if strings.Contains(txt, "2026-01") {
		t.Error("the 2025 statement lists months of 2026")
	}

	en, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindRightsRecord, Subject: DemoPersonID, Lang: "en", Algorithms: []string{"p256"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := a.Verifier.Verify(ctx, en.PDF); !r.Valid {
		t.Fatalf("English statement not valid: %+v", r.Errors)
	}
	enFile := filepath.Join(t.TempDir(), "en.pdf")
	if err := os.WriteFile(enFile, en.PDF, 0o644); err != nil {
		t.Fatal(err)
	}
	etxt, err := testutil.Run(t, "pdftotext", "-layout", enFile, "-")
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	for _, w := range []string{"Personal Social Insurance Rights Statement", "Monthly contributions in 2025", "Balance at", DemoPersonName} {
		if !strings.Contains(etxt, w) {
			t.Errorf("English statement lacks %q", w)
		}
	}

	for name, year := range map[string]int{"before the first contribution": 2012, "next year": 2027} {
		_, err := a.Issuer.Issue(ctx, signer.IssueRequest{Kind: signer.KindRightsRecord, Subject: DemoPersonID, Year: year})
		if !errors.Is(err, signer.ErrBadRequest) {
			t.Errorf("%s (%d): %v, want ErrBadRequest", name, year, err)
		}
	}
}
