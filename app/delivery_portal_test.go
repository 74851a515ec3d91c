package app

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestDeliveryPortalInbox: a citizen who asks for a certificate in the
// portal finds the notice under 我的消息, counted in the header until the
// inbox is opened.
func TestDeliveryPortalInbox(t *testing.T) {
	a, _ := deliveryApp(t)
	h, err := a.Handler("test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) string {
		t.Helper()
		r, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, r.StatusCode, b)
		}
		return string(b)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)
	idem := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`)
	post := func(path string, form url.Values) {
		t.Helper()
		page := get(strings.Replace(path, "/issue", "", 1)) // the form's page
		form.Set("csrf", csrf.FindStringSubmatch(page)[1])
		if m := idem.FindStringSubmatch(page); m != nil {
			form.Set("idempotency_key", m[1])
		}
		r, err := c.PostForm(srv.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: %d", path, r.StatusCode)
		}
	}
	post("/login", url.Values{"login": {DemoPersonID}, "password": {DemoPersonPassword}})
	post("/me/documents/issue", url.Values{"kind": {"insurance-certificate"}})
	ms := inbox(t, a, DemoPersonID)
	if len(ms) != 1 {
		t.Fatalf("inbox after issuing in the portal: %+v", ms)
	}
	if page := get("/me/documents"); !strings.Contains(page, `title="未读消息">1</span>`) {
		t.Errorf("header lacks the unread count:\n%s", page)
	}
	page := get("/me/messages")
	if !strings.Contains(page, ms[0].Subject) || !strings.Contains(page, `href="`+ms[0].Link+`"`) {
		t.Errorf("inbox page lacks the notice %+v:\n%s", ms[0], page)
	}
	if got := inbox(t, a, DemoPersonID); got[0].ReadAt == nil {
		t.Errorf("the notice is unread after opening the inbox")
	}
}
