package portal

import (
	"crypto/hmac"
	"crypto/sha256"
)

// keys are independent HMAC keys derived from Config.SessionKey, one per
// purpose, so a value signed for one purpose is never accepted for another.
type keys struct {
	session []byte
	csrf    []byte
	consent []byte
}

func deriveKeys(master []byte) keys {
	return keys{
		session: derive(master, "sihub portal session v1"),
		csrf:    derive(master, "sihub portal csrf v1"),
		consent: derive(master, "sihub portal consent v1"),
	}
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

func mac(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}
