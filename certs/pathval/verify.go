package pathval

import (
	"bytes"
	"crypto/dsa" //nolint:staticcheck // legacy DSA paths, only with Options.AllowDSA
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

// maxSignatureChecks bounds the work of path building over hostile inputs.
const maxSignatureChecks = 200

var handledExtensions = []asn1.ObjectIdentifier{
	{2, 5, 29, 14}, {2, 5, 29, 15}, {2, 5, 29, 17}, {2, 5, 29, 19}, {2, 5, 29, 30},
	{2, 5, 29, 31}, {2, 5, 29, 32}, {2, 5, 29, 33}, {2, 5, 29, 35}, {2, 5, 29, 36},
	{2, 5, 29, 37}, {2, 5, 29, 54}, {1, 3, 6, 1, 5, 5, 7, 1, 1},
}

// Verify builds a path from leaf to one of opts.Roots and validates it.
func Verify(leaf *smx509.Certificate, opts Options) (*Result, error) {
	if leaf == nil {
		return nil, fail(ReasonMalformed, 0, "no leaf certificate")
	}
	v := &verifier{opts: &opts}
	v.index()
	if opts.PeerName != "" {
		if err := checkPeerName(leaf, opts.PeerName); err != nil {
			return nil, err
		}
	}
	for _, r := range opts.Roots {
		if r != nil && bytes.Equal(r.Raw, leaf.Raw) {
			// The leaf is itself a trust anchor: the path is the anchor alone.
			now := opts.now().Truncate(time.Second)
			if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
				return nil, fail(ReasonExpired, 0, "valid %s to %s", leaf.NotBefore, leaf.NotAfter)
			}
			return &Result{Chain: []*smx509.Certificate{leaf}}, nil
		}
	}
	res := v.build([]*smx509.Certificate{leaf}, []*dsa.PublicKey{nil})
	if res != nil {
		return res, nil
	}
	if v.best != nil {
		return nil, v.best
	}
	return nil, fail(ReasonNoPath, -1, "no issuer found for %q", leaf.Subject.String())
}

type candidate struct {
	cert *smx509.Certificate
	root bool
}

type verifier struct {
	opts       *Options
	candidates []candidate
	sigChecks  int
	sigCache   map[[2]*smx509.Certificate]error
	best       *Error
	bestScore  int
	// inherited holds, while a chain is validated, the completed keys of
	// its certificates whose DSA parameters are inherited.
	inherited map[*smx509.Certificate]*dsa.PublicKey
}

func (v *verifier) index() {
	for _, r := range v.opts.Roots {
		if r != nil {
			v.candidates = append(v.candidates, candidate{r, true})
		}
	}
	for _, c := range v.opts.Intermediates {
		if c != nil {
			v.candidates = append(v.candidates, candidate{c, false})
		}
	}
	v.sigCache = map[[2]*smx509.Certificate]error{}
}

// record keeps the most informative failure: the one from the longest
// path, a validation failure over a building failure.
func (v *verifier) record(e *Error, score int) {
	if v.best == nil || score > v.bestScore || (score == v.bestScore && v.best.Reason == ReasonNoPath) {
		v.best, v.bestScore = e, score
	}
}

func (v *verifier) checkSig(child, parent *smx509.Certificate) error {
	return v.checkSigWith(child, parent, v.keyOf(parent))
}

// checkSigWith checks child's signature by parent with key, parent's key
// as completed on the path at hand.
func (v *verifier) checkSigWith(child, parent *smx509.Certificate, key any) error {
	k := [2]*smx509.Certificate{child, parent}
	cached := !inheritsDSAParams(parent) // an inherited key depends on the path
	if err, ok := v.sigCache[k]; ok && cached {
		return err
	}
	v.sigChecks++
	err := v.verifySigWith(parent, key, child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature)
	if cached {
		v.sigCache[k] = err
	}
	return err
}

// keyOf is the key of c on the chain being validated.
func (v *verifier) keyOf(c *smx509.Certificate) any {
	if k, ok := v.inherited[c]; ok {
		return k
	}
	return c.PublicKey
}

// verifySig checks a signature by parent's key under the options.
func (v *verifier) verifySig(parent *smx509.Certificate, alg smx509.SignatureAlgorithm, signed, sig []byte) error {
	return v.verifySigWith(parent, v.keyOf(parent), alg, signed, sig)
}

func (v *verifier) verifySigWith(parent *smx509.Certificate, key any, alg smx509.SignatureAlgorithm, signed, sig []byte) error {
	if pub, isDSA := key.(*dsa.PublicKey); isDSA {
		if !v.opts.AllowDSA {
			return errors.New("DSA keys are not accepted")
		}
		return checkDSA(pub, alg, signed, sig, v.opts.AllowSHA1)
	}
	return checkSignature(parent, alg, signed, sig, v.opts.AllowSHA1)
}

func checkSignature(parent *smx509.Certificate, alg smx509.SignatureAlgorithm, tbs, sig []byte, allowSHA1 bool) error {
	switch alg {
	case x509.MD2WithRSA, x509.MD5WithRSA:
		return errors.New("insecure algorithm")
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1:
		if !allowSHA1 {
			return errors.New("SHA-1 signatures are not accepted")
		}
	}
	return parent.CheckSignature(alg, tbs, sig)
}

func samePublicKey(a, b *smx509.Certificate) bool {
	return bytes.Equal(a.RawSubjectPublicKeyInfo, b.RawSubjectPublicKeyInfo)
}

// build extends path (leaf first) towards a root, depth first. keys[i] is
// the completed key of path[i] when its DSA parameters are inherited and
// an issuer with parameters is on the path; nil otherwise. A signature by
// a certificate whose key is still incomplete is checked once the key is
// completed (resolve).
func (v *verifier) build(path []*smx509.Certificate, keys []*dsa.PublicKey) *Result {
	cur := path[len(path)-1]
	for _, cand := range v.candidates {
		c := cand.cert
		if !namesEqual(c.RawSubject, cur.RawIssuer) {
			continue
		}
		loop := false
		for _, p := range path {
			if p == c || bytes.Equal(p.Raw, c.Raw) || (bytes.Equal(p.RawSubject, c.RawSubject) && samePublicKey(p, c)) {
				loop = true
				break
			}
		}
		if loop {
			continue
		}
		if len(path) > v.opts.maxDepth() {
			v.record(fail(ReasonTooDeep, len(path)-1, "more than %d certificates above the leaf", v.opts.maxDepth()), len(path))
			return nil
		}
		if v.sigChecks >= maxSignatureChecks {
			v.record(fail(ReasonNoPath, -1, "signature check budget exhausted"), 0)
			return nil
		}
		next := append(path[:len(path):len(path)], c)
		nextKeys := append(keys[:len(keys):len(keys)], nil)
		if inheritsDSAParams(c) {
			if cand.root {
				v.record(fail(ReasonMalformed, len(path), "trust anchor's DSA key has no domain parameters"), len(next))
				continue
			}
		} else {
			if err := v.checkSig(cur, c); err != nil {
				v.record(fail(ReasonSignature, len(path)-1, "%v", err), len(path))
				continue
			}
			if err := v.resolve(next, nextKeys); err != nil {
				v.record(err, len(next))
				continue
			}
		}
		if cand.root {
			res, err := v.validate(next, nextKeys)
			if err == nil {
				return res
			}
			v.record(err, len(next)+100)
			continue
		}
		if res := v.build(next, nextKeys); res != nil {
			return res
		}
	}
	return nil
}

// resolve completes, from the top of path down, the keys that inherit DSA
// parameters below a key that has them, and checks the signatures made
// by each completed key.
func (v *verifier) resolve(path []*smx509.Certificate, keys []*dsa.PublicKey) *Error {
	for j := len(path) - 2; j >= 0 && keys[j] == nil && inheritsDSAParams(path[j]); j-- {
		if !v.opts.AllowDSA {
			return fail(ReasonMalformed, j, "DSA keys are not accepted")
		}
		var issuerKey any = path[j+1].PublicKey
		if keys[j+1] != nil {
			issuerKey = keys[j+1]
		}
		k, err := inheritKey(path[j], issuerKey)
		if err != nil {
			return fail(ReasonMalformed, j, "%v", err)
		}
		keys[j] = k
		if j > 0 {
			if err := v.checkSigWith(path[j-1], path[j], k); err != nil {
				return fail(ReasonSignature, j-1, "%v", err)
			}
		}
	}
	return nil
}

func isSelfIssued(c *smx509.Certificate) bool {
	return namesEqual(c.RawSubject, c.RawIssuer)
}

// validate runs RFC 5280 §6.1 over chain (leaf first, anchor last).
func (v *verifier) validate(chain []*smx509.Certificate, keys []*dsa.PublicKey) (*Result, *Error) {
	v.inherited = map[*smx509.Certificate]*dsa.PublicKey{}
	for i, k := range keys {
		if k != nil {
			v.inherited[chain[i]] = k
		}
	}
	defer func() { v.inherited = nil }()
	o := v.opts
	// Validity has one-second granularity (RFC 5280 §4.1.2.5).
	now := o.now().Truncate(time.Second)
	n := len(chain) - 1 // certificates below the anchor
	if n > o.maxDepth() {
		return nil, fail(ReasonTooDeep, n, "more than %d certificates above the leaf", o.maxDepth())
	}
	anchor := chain[n]
	if err := wellFormed(anchor, n, true, true, o.AllowDSA); err != nil {
		return nil, err
	}
	if anchor.Version == 3 && (!anchor.BasicConstraintsValid || !anchor.IsCA) {
		return nil, fail(ReasonNotCA, n, "trust anchor without basicConstraints cA")
	}
	if crit, ok, _ := findExt(anchor, asn1.ObjectIdentifier{2, 5, 29, 19}); ok && !crit {
		return nil, fail(ReasonMalformed, n, "trust anchor's basicConstraints not critical")
	}
	for _, e := range anchor.Extensions {
		if e.Critical && !oidIn(e.Id, handledExtensions) {
			return nil, fail(ReasonCriticalExtension, n, "%s", e.Id)
		}
	}
	if now.Before(anchor.NotBefore) || now.After(anchor.NotAfter) {
		return nil, fail(ReasonExpired, n, "trust anchor valid %s to %s", anchor.NotBefore, anchor.NotAfter)
	}
	var constraints []*nameConstraints
	if nc, ok := parseNameConstraints(anchor); !ok {
		return nil, fail(ReasonMalformed, n, "bad nameConstraints")
	} else if nc != nil {
		constraints = append(constraints, nc)
	}
	var initial []string
	for _, p := range o.InitialPolicies {
		initial = append(initial, p.String())
	}
	ps := newPolicyState(n, o)
	maxPath := n
	// i counts from the certificate below the anchor (1) to the leaf (n).
	for i := 1; i <= n; i++ {
		depth := n - i
		c := chain[depth]
		last := i == n
		if c.Version < 1 || c.Version > 3 {
			return nil, fail(ReasonMalformed, depth, "version %d", c.Version)
		}
		if err := wellFormed(c, depth, !last, false, o.AllowDSA); err != nil {
			return nil, err
		}
		if now.Before(c.NotBefore) || now.After(c.NotAfter) {
			return nil, fail(ReasonExpired, depth, "valid %s to %s", c.NotBefore, c.NotAfter)
		}
		for _, e := range c.Extensions {
			if e.Critical && !oidIn(e.Id, handledExtensions) {
				return nil, fail(ReasonCriticalExtension, depth, "%s", e.Id)
			}
		}
		if o.CRLs != nil {
			if err := v.checkRevocation(chain, depth, now); err != nil {
				return nil, err
			}
		}
		selfIssued := isSelfIssued(c)
		if !(selfIssued && !last) {
			names := namesOf(c)
			for _, nc := range constraints {
				if why, ok := nc.check(names); !ok {
					return nil, fail(ReasonNameConstraints, depth, "%s", why)
				}
			}
		}
		cp, ok := parsePolicy(c)
		if !ok {
			return nil, fail(ReasonMalformed, depth, "bad policy extension")
		}
		if !ps.process(cp, selfIssued, last) {
			return nil, fail(ReasonPolicy, depth, "no valid policy and an explicit policy is required")
		}
		if last {
			pols, ok := ps.wrapUp(cp, initial)
			if !ok {
				return nil, fail(ReasonPolicy, depth, "no acceptable policy")
			}
			if err := v.checkLeaf(c); err != nil {
				return nil, err
			}
			if err := v.checkEKU(chain); err != nil {
				return nil, err
			}
			res := &Result{Chain: withKeys(chain, keys)}
			for _, p := range pols {
				if oid, err := parseOID(p); err == nil {
					res.Policies = append(res.Policies, oid)
				}
			}
			return res, nil
		}
		// §6.1.4: preparation for the next certificate; c is a CA.
		if !ps.prepare(cp, selfIssued) {
			return nil, fail(ReasonPolicy, depth, "policy mapping to or from anyPolicy")
		}
		nc, ok := parseNameConstraints(c)
		if !ok {
			return nil, fail(ReasonMalformed, depth, "bad nameConstraints")
		}
		if nc != nil {
			constraints = append(constraints, nc)
		}
		if c.Version != 3 || !c.BasicConstraintsValid || !c.IsCA {
			return nil, fail(ReasonNotCA, depth, "issues certificates without basicConstraints cA")
		}
		if !selfIssued {
			if maxPath <= 0 {
				return nil, fail(ReasonPathLen, depth, "path length exhausted")
			}
			maxPath--
		}
		if c.MaxPathLen > 0 || (c.MaxPathLen == 0 && c.MaxPathLenZero) {
			if c.MaxPathLen < maxPath {
				maxPath = c.MaxPathLen
			}
		}
		if c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageCertSign == 0 {
			return nil, fail(ReasonKeyUsage, depth, "CA key usage lacks keyCertSign")
		}
	}
	return nil, fail(ReasonNoPath, -1, "empty path")
}

func (v *verifier) checkLeaf(c *smx509.Certificate) *Error {
	if want := v.opts.KeyUsages; want != 0 && c.KeyUsage != 0 && c.KeyUsage&want != want {
		return fail(ReasonKeyUsage, 0, "leaf key usage %#x lacks %#x", c.KeyUsage, want)
	}
	return nil
}

var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

func ekusOf(c *smx509.Certificate) ([]asn1.ObjectIdentifier, bool, bool) {
	for _, e := range c.Extensions {
		if e.Id.Equal(oidExtKeyUsage) {
			var list []asn1.ObjectIdentifier
			if rest, err := asn1.Unmarshal(e.Value, &list); err != nil || len(rest) != 0 {
				return nil, true, false
			}
			return list, true, true
		}
	}
	return nil, false, true
}

// checkEKU keeps the requested usages every EKU-carrying certificate of the
// chain allows; at least one must survive.
func (v *verifier) checkEKU(chain []*smx509.Certificate) *Error {
	if len(v.opts.EKUs) == 0 {
		return nil
	}
	remaining := append([]asn1.ObjectIdentifier(nil), v.opts.EKUs...)
	for depth, c := range chain {
		list, present, ok := ekusOf(c)
		if !ok {
			return fail(ReasonMalformed, depth, "bad extKeyUsage")
		}
		if !present {
			continue
		}
		if oidIn(OIDAnyExtKeyUsage, list) {
			continue
		}
		kept := remaining[:0]
		for _, r := range remaining {
			if r.Equal(OIDAnyExtKeyUsage) || oidIn(r, list) {
				kept = append(kept, r)
			}
		}
		remaining = kept
		if len(remaining) == 0 {
			return fail(ReasonExtKeyUsage, depth, "extended key usage %v does not allow the requested usage", list)
		}
	}
	return nil
}

func oidIn(o asn1.ObjectIdentifier, list []asn1.ObjectIdentifier) bool {
	for _, x := range list {
		if x.Equal(o) {
			return true
		}
	}
	return false
}

func parseOID(s string) (asn1.ObjectIdentifier, error) {
	var oid asn1.ObjectIdentifier
	for _, part := range strings.Split(s, ".") {
		n := 0
		if part == "" {
			return nil, errors.New("pathval: bad OID")
		}
		for _, ch := range part {
			if ch < '0' || ch > '9' || n > 1<<27 {
				return nil, errors.New("pathval: bad OID")
			}
			n = n*10 + int(ch-'0')
		}
		oid = append(oid, n)
	}
	return oid, nil
}

// ParseOID parses a dotted OID such as "1.3.6.1.5.5.7.3.1".
func ParseOID(s string) (asn1.ObjectIdentifier, error) { return parseOID(s) }

func checkPeerName(leaf *smx509.Certificate, name string) *Error {
	if ip := net.ParseIP(strings.Trim(name, "[]")); ip != nil {
		for _, a := range leaf.IPAddresses {
			if a.Equal(ip) {
				return nil
			}
		}
		return fail(ReasonPeerName, 0, "IP %s not in subjectAltName", name)
	}
	for _, d := range leaf.DNSNames {
		if matchHostname(d, name) {
			return nil
		}
	}
	return fail(ReasonPeerName, 0, "%q not in subjectAltName", name)
}

// withKeys returns chain with each certificate whose DSA parameters were
// inherited replaced by a copy carrying the completed key.
func withKeys(chain []*smx509.Certificate, keys []*dsa.PublicKey) []*smx509.Certificate {
	out, copied := chain, false
	for i, k := range keys {
		if k == nil {
			continue
		}
		if !copied {
			out, copied = append([]*smx509.Certificate(nil), chain...), true
		}
		cp := *chain[i]
		cp.PublicKey = k
		out[i] = &cp
	}
	return out
}
