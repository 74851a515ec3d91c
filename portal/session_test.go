package portal

import (
	"strings"
	"testing"
	"time"
)

func TestSessionRoundTrip(t *testing.T) {
	s := newEnvServer(t)
	se := session{Login: zhangID, Role: "citizen", Name: zhangName, PersonID: zhangID,
		Issued: t0.Unix(), Expires: t0.Add(time.Minute).Unix()}
	v := s.encodeSession(se)
	got, ok := s.decodeSession(v)
	if !ok || *got != se {
		t.Fatalf("round trip: %v %+v", ok, got)
	}
	for name, bad := range map[string]string{
		"no signature":  strings.Split(v, ".")[0],
		"bad signature": strings.Split(v, ".")[0] + ".AAAA",
		"swapped":       strings.Split(v, ".")[1] + "." + strings.Split(v, ".")[0],
		"empty":         "",
		"huge":          strings.Repeat("A", 5000),
	} {
		if _, ok := s.decodeSession(bad); ok {
			t.Errorf("%s accepted", name)
		}
	}
	expired := se
	expired.Expires = t0.Unix()
	if _, ok := s.decodeSession(s.encodeSession(expired)); ok {
		t.Error("session expiring now accepted")
	}
}

func FuzzDecodeSession(f *testing.F) {
	s := newEnvServer(f)
	f.Add(s.encodeSession(session{Login: "x", Expires: t0.Add(time.Hour).Unix()}))
	f.Add("e30.AAAA")
	f.Add("..")
	f.Fuzz(func(t *testing.T, v string) {
		se, ok := s.decodeSession(v)
		if ok {
			// Only a value this server signed can decode.
			if se.Login == "" || !t0.Before(time.Unix(se.Expires, 0)) {
				t.Fatalf("accepted %q as %+v", v, se)
			}
		}
	})
}
