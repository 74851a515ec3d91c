// Package netguard is sihub's one way out to the network: the HTTP client
// that revocation (OCSP, CRL) and time-stamp fetches go through.
//
// Contract:
//   - a URL is fetched only when an AllowList pattern names it: exact host
//     or "*.suffix" (names strictly below suffix), scheme http or https
//     (or only the one a pattern names), and the scheme's default port
//     unless the pattern names a port (or "*" for any); URLs with user
//     information are refused;
//   - the address actually dialed is checked again, in the dialer's Control
//     hook on the resolved IP, so a listed name that resolves (or is
//     rebound) to a loopback, private, link-local (cloud metadata),
//     multicast, CGNAT or otherwise special address is refused unless
//     Config.AllowPrefixes holds it; a pattern that is an IP literal allows
//     that address for URLs naming it literally;
//   - redirects are followed at most Config.MaxRedirects times (default 3),
//     only to listed URLs and never from https to http; environment
//     proxies are never used; https needs TLS 1.2 or later and a server
//     certificate valid for the URL's host under Config.RootCAs (default:
//     the system's roots);
//   - every call has a byte cap (its own maxBytes, at most MaxBytesLimit)
//     and the client a connect timeout and a total timeout covering the
//     body;
//   - errors wrap ErrNotAllowed, ErrTooLarge, ErrTimeout, ErrStatus or
//     ErrInvalid (errors.Is);
//   - every fetch is logged once (host, path without query, status, bytes,
//     milliseconds, outcome) and counted by outcome (Stats, Collector for
//     /metrics).
//
// Limits: no cookies, no authentication, no response caching (callers
// cache what they parsed); at most maxAddresses resolved addresses are
// tried per connection.
package netguard
